// Thai labels wrapped at word boundaries. diagram-js breaks a label only at spaces and hyphens,
// then cuts a word that is too long at any character: Thai writes no spaces between words, so a
// long Thai name was cut mid-word, often between a consonant and its vowel or tone mark (which
// then shows on a dotted circle). Here the text gets its line breaks from Intl.Segmenter's Thai
// word boundaries first; diagram-js lays out the lines it is given. The model is not changed.
import { assign } from 'min-dash';

import TextRenderer from 'bpmn-js/lib/draw/TextRenderer';
import { TEXT_ANNOTATION_PADDING } from 'bpmn-js/lib/util/AnnotationUtil';
import { DEFAULT_LABEL_SIZE } from 'bpmn-js/lib/util/LabelUtil';

const THAI = /[\u0E00-\u0E7F]/;
const TEXT_DEFAULT_BOX = { width: 150, height: 50 }; // diagram-js Text's default size

let segmenter;
let context;

function words(line) {
  if (segmenter === undefined) {
    segmenter = typeof Intl !== 'undefined' && Intl.Segmenter
      ? new Intl.Segmenter('th', { granularity: 'word' })
      : null;
  }
  return segmenter ? Array.from(segmenter.segment(line), (part) => part.segment) : null;
}

function measure(text, style) {
  if (!context) context = document.createElement('canvas').getContext('2d');
  const size = typeof style.fontSize === 'number' ? `${style.fontSize}px` : style.fontSize || '12px';
  context.font = `${style.fontWeight || 'normal'} ${size} ${style.fontFamily || 'sans-serif'}`;
  return context.measureText(text.replace(/\s+$/, '')).width;
}

function wrapLine(line, maxWidth, style) {
  if (measure(line, style) <= maxWidth) return line;
  const parts = words(line);
  if (!parts) return line;
  const lines = [];
  let current = '';
  for (const part of parts) {
    if (current.trim() && measure(current + part, style) > maxWidth) {
      lines.push(current.trimEnd());
      current = part.trimStart();
    } else {
      current += part;
    }
  }
  if (current.trim()) lines.push(current.trimEnd());
  return lines.join('\n');
}

/** `text` with line breaks at Thai word boundaries so that each line fits `maxWidth`. */
export function breakThai(text, maxWidth, style) {
  if (!text || !THAI.test(text) || !(maxWidth > 0)) return text;
  return text
    .split(/\r?\n/)
    .map((line) => wrapLine(line, maxWidth, style))
    .join('\n');
}

function padding(value) {
  if (value && typeof value === 'object') return assign({ left: 0, right: 0 }, value);
  const all = value || 0;
  return { left: all, right: all };
}

/** bpmn-js's text renderer with Thai word wrapping in front of every layout. */
export function ThaiTextRenderer(config) {
  TextRenderer.call(this, config);
  const base = {
    createText: this.createText,
    getDimensions: this.getDimensions,
    getExternalLabelBounds: this.getExternalLabelBounds,
    getTextAnnotationBounds: this.getTextAnnotationBounds,
  };
  const defaultStyle = this.getDefaultStyle();
  const externalStyle = this.getExternalStyle();

  function wrap(text, options) {
    const box = assign({}, TEXT_DEFAULT_BOX, options && options.box);
    const pad = padding(options && options.padding);
    const style = assign({}, defaultStyle, options && options.style);
    return breakThai(text, box.width - pad.left - pad.right, style);
  }

  this.createText = (text, options) => base.createText(wrap(text, options), options);
  this.getDimensions = (text, options) => base.getDimensions(wrap(text, options), options);
  this.getExternalLabelBounds = (bounds, text) =>
    base.getExternalLabelBounds(
      bounds,
      breakThai(text, Math.max(bounds.width, DEFAULT_LABEL_SIZE.width), externalStyle),
    );
  this.getTextAnnotationBounds = (bounds, text) =>
    base.getTextAnnotationBounds(
      bounds,
      breakThai(text, bounds.width - 2 * TEXT_ANNOTATION_PADDING, defaultStyle),
    );
}

ThaiTextRenderer.$inject = ['config.textRenderer'];

/** The module to add to a bpmn-js Viewer or Modeler (it replaces `textRenderer`). */
export default {
  textRenderer: ['type', ThaiTextRenderer],
};
