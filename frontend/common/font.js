// The Thai web font every diagram label uses: the staff pages serve Noto Sans Thai from
// node_modules (admin/vendor.py, linked by staff/base.html). bpmn-js writes `Arial` into each
// label's style by default, which has no Thai glyphs on a machine without a Thai system font.
export const FONT_FAMILY = 'Noto Sans Thai';
export const FONT_STACK = '"Noto Sans Thai", "Loma", "Garuda", "Sarabun", sans-serif';

/** bpmn-js's `textRenderer` config: the Thai font, and lines tall enough for Thai tone marks. */
export const TEXT_RENDERER = {
  defaultStyle: { fontFamily: FONT_STACK, fontSize: 12, lineHeight: 1.3 },
  externalStyle: { fontFamily: FONT_STACK, fontSize: 11, lineHeight: 1.3 },
};

/**
 * Resolves once the Thai and Latin faces are loaded (or after `timeout` ms): labels are
 * measured when drawn, so drawing before the font arrives lays them out for the fallback font.
 */
export function fontsReady(timeout = 3000) {
  if (!document.fonts || !document.fonts.load) return Promise.resolve();
  const loads = ['12px', 'bold 12px'].map((size) =>
    document.fonts.load(`${size} "${FONT_FAMILY}"`, 'กขคa1').catch(() => null),
  );
  const late = new Promise((resolve) => setTimeout(resolve, timeout));
  return Promise.race([Promise.all(loads), late]);
}
