// Zoom that keeps labels readable: a whole complaint process fitted into a page is drawn at a
// third of its size, where 11 px Thai labels cannot be read. Fit the width, but never below
// `min`, and then show the element that matters (the active step) rather than the far left.

/**
 * Zoom to fit the diagram's width, not below `min` nor above 1, scrolled to `focus` (an
 * element); `left` pixels stay free for the palette.
 */
export function readableZoom(canvas, { min = 0.6, focus = null, margin = 24, left = 0 } = {}) {
  canvas.zoom('fit-viewport', 'auto');
  const { outer, inner } = canvas.viewbox();
  if (!inner.width || !outer.width) return canvas.zoom();
  const room = outer.width - 2 * margin - left;
  const scale = Math.min(1, Math.max(min, room / inner.width));
  const width = outer.width / scale;
  const height = outer.height / scale;
  const before = (margin + left) / scale; // diagram units left of the diagram
  const pad = margin / scale;
  let x = inner.x - before;
  let y = inner.y - pad;
  if (focus) {
    // The focus in the middle, without scrolling past the diagram's edges.
    const cx = focus.x + (focus.width || 0) / 2;
    const cy = focus.y + (focus.height || 0) / 2;
    x = clamp(cx - (width + before - pad) / 2, inner.x - before, inner.x + inner.width + pad - width);
    y = clamp(cy - height / 2, inner.y - pad, inner.y + inner.height + pad - height);
  }
  if (inner.height + 2 * pad < height) y = inner.y + inner.height / 2 - height / 2;
  canvas.viewbox({ x, y, width, height });
  return scale;
}

function clamp(value, low, high) {
  return high < low ? low : Math.min(high, Math.max(low, value));
}

/** Wire zoom buttons (any may be missing) to a canvas: in and out by 1.25×, and fit. */
export function zoomButtons(canvas, { zoomIn, zoomOut, fit }, onFit) {
  const step = (factor) => () => {
    const scale = Math.min(4, Math.max(0.2, canvas.zoom() * factor));
    canvas.zoom(scale, 'auto');
  };
  if (zoomIn) zoomIn.addEventListener('click', step(1.25));
  if (zoomOut) zoomOut.addEventListener('click', step(0.8));
  if (fit) fit.addEventListener('click', onFit || (() => canvas.zoom('fit-viewport', 'auto')));
}
