// Renders a terminal screen (text with ANSI escapes, as `tmux capture-pane -e -p` prints it) to SVG, through
// @xterm/headless so that every escape is interpreted the way a real terminal does.
import xterm from '@xterm/headless';

const { Terminal } = xterm;

const BASE16 = [
  '#1e1e1e',
  '#e06c75',
  '#98c379',
  '#e5c07b',
  '#61afef',
  '#c678dd',
  '#56b6c2',
  '#d4d4d4',
  '#5c6370',
  '#ff7b86',
  '#b5e890',
  '#ffd68a',
  '#82c4ff',
  '#e09cff',
  '#7fd4de',
  '#ffffff',
];
const FG = '#d4d4d4';
const BG = '#1e1e1e';

function palette(i) {
  if (i < 16) return BASE16[i];
  if (i < 232) {
    const n = i - 16;
    const v = (x) => (x === 0 ? 0 : 55 + x * 40);
    const r = v(Math.floor(n / 36));
    const g = v(Math.floor(n / 6) % 6);
    const b = v(n % 6);
    return `#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
  }
  const grey = 8 + (i - 232) * 10;
  return `#${grey.toString(16).padStart(2, '0').repeat(3)}`;
}

function colour(cell, fg) {
  if (fg ? cell.isFgDefault() : cell.isBgDefault()) return null;
  const c = fg ? cell.getFgColor() : cell.getBgColor();
  if (fg ? cell.isFgRGB() : cell.isBgRGB()) return `#${c.toString(16).padStart(6, '0')}`;
  return palette(c);
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** @returns {Promise<string>} an SVG document */
export async function ansiToSvg(screen, columns, rows, title = 'lastlook') {
  const term = new Terminal({ cols: columns, rows, allowProposedApi: true, convertEol: true });
  await new Promise((resolve) => term.write(screen.replace(/\n$/, ''), resolve));
  const cw = 8.4;
  const ch = 17;
  const pad = 12;
  const top = 30;
  const width = Math.ceil(columns * cw + pad * 2);
  const height = Math.ceil(rows * ch + top + pad);
  const parts = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" rx="8" fill="${BG}"/>`,
    '<circle cx="18" cy="15" r="5" fill="#ff5f56"/><circle cx="34" cy="15" r="5" fill="#ffbd2e"/><circle cx="50" cy="15" r="5" fill="#27c93f"/>',
    `<text x="${width / 2}" y="19" fill="#8a8a8a" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12" text-anchor="middle">${esc(title)}</text>`,
    `<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`,
  );
  const buf = term.buffer.active;
  for (let y = 0; y < rows; y++) {
    const line = buf.getLine(y);
    if (!line) continue;
    let x = 0;
    while (x < columns) {
      const cell = line.getCell(x);
      if (!cell) break;
      let fg = colour(cell, true) ?? FG;
      let bg = colour(cell, false);
      if (cell.isInverse()) {
        const f = fg;
        fg = bg ?? BG;
        bg = f;
      }
      const bold = cell.isBold() !== 0;
      const dim = cell.isDim() !== 0;
      // Extend a run of cells with the same style.
      let text = '';
      let n = 0;
      let cx = x;
      while (cx < columns) {
        const c = line.getCell(cx);
        if (!c) break;
        let cfg = colour(c, true) ?? FG;
        let cbg = colour(c, false);
        if (c.isInverse()) {
          const f = cfg;
          cfg = cbg ?? BG;
          cbg = f;
        }
        if (cfg !== fg || cbg !== bg || (c.isBold() !== 0) !== bold || (c.isDim() !== 0) !== dim) break;
        const w = c.getWidth();
        if (w > 0) text += c.getChars() || ' ';
        n += Math.max(1, w);
        cx += Math.max(1, w);
      }
      const px = pad + x * cw;
      const py = top + y * ch;
      if (bg)
        parts.push(`<rect x="${px.toFixed(1)}" y="${py}" width="${(n * cw).toFixed(1)}" height="${ch}" fill="${bg}"/>`);
      if (text.trim() !== '') {
        parts.push(
          `<text x="${px.toFixed(1)}" y="${py + ch - 4}" fill="${fg}"${bold ? ' font-weight="bold"' : ''}${dim ? ' opacity="0.6"' : ''} textLength="${(n * cw).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${esc(text)}</text>`,
        );
      }
      x = cx;
    }
  }
  parts.push('</g></svg>');
  term.dispose();
  return parts.join('\n');
}
