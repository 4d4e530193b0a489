import { type SVGTemplateResult, svg } from 'lit';

/**
 * The few line icons the UI draws, 16×16 on a 16-unit grid, stroked with currentColor.
 * Inline so they cost no requests and follow the theme.
 */
const paths = {
  plus: svg`<path d="M8 3v10M3 8h10"/>`,
  close: svg`<path d="M4 4l8 8M12 4l-8 8"/>`,
  inbox: svg`<path d="M2.5 9.5l1.7-5.1a1 1 0 0 1 .95-.7h5.7a1 1 0 0 1 .95.7l1.7 5.1v2.5a1 1 0 0 1-1 1h-9a1 1 0 0 1-1-1z"/><path d="M2.5 9.5h3l1 1.5h3l1-1.5h3"/>`,
  branch: svg`<circle cx="5" cy="3.8" r="1.5"/><circle cx="5" cy="12.2" r="1.5"/><circle cx="11" cy="5.8" r="1.5"/><path d="M5 5.3v5.4M11 7.3c0 2.2-2 3-6 3.4"/>`,
  folder: svg`<path d="M2 4.5a1 1 0 0 1 1-1h3.2l1.4 1.5H13a1 1 0 0 1 1 1V12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1z"/>`,
  search: svg`<circle cx="7" cy="7" r="4.2"/><path d="M10.2 10.2L13.5 13.5"/>`,
  arrowRight: svg`<path d="M3 8h10M9 4l4 4-4 4"/>`,
  trash: svg`<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.1a1 1 0 0 0 1 .9h3.8a1 1 0 0 0 1-.9l.6-8.1"/>`,
  alert: svg`<circle cx="8" cy="8" r="6"/><path d="M8 5v3.5M8 11v.01"/>`,
  info: svg`<circle cx="8" cy="8" r="6"/><path d="M8 7.2v3.8M8 5v.01"/>`,
  archive: svg`<rect x="2" y="3" width="12" height="3" rx="0.8"/><path d="M3 6v6.5a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V6M6.5 8.8h3"/>`,
  restore: svg`<path d="M2.8 8a5.2 5.2 0 1 0 1.6-3.75"/><path d="M2.5 2.5v2.6h2.6"/>`,
  chevron: svg`<path d="M6 4l4 4-4 4"/>`,
  snapshot: svg`<rect x="2" y="4.5" width="12" height="8.5" rx="1.5"/><circle cx="8" cy="8.7" r="2.2"/><path d="M5.8 4.5l.8-1.5h2.8l.8 1.5"/>`,
  commit: svg`<circle cx="8" cy="8" r="2.4"/><path d="M2 8h3.6M10.4 8H14"/>`,
  terminal: svg`<rect x="2" y="3" width="12" height="10" rx="1.5"/><path d="M5 6.5l2 1.5-2 1.5M8.5 10h2.5"/>`,
  thread: svg`<circle cx="4.5" cy="4" r="1.5"/><path d="M4.5 5.5v7M4.5 9c0-2 1.5-2.5 4-2.5h3"/><path d="M10 4.8l1.7 1.7L10 8.2"/>`,
};

export type IconName = keyof typeof paths;

/** An inline icon; decorative unless the surrounding control names it. */
export function icon(name: IconName): SVGTemplateResult {
  return svg`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true">${paths[name]}</svg>`;
}

/** The Grove mark: a stem that branches into three worktrees, each ending in a leaf. */
export function groveMark(size = 20): SVGTemplateResult {
  return svg`<svg width=${size} height=${size} viewBox="0 0 32 32" aria-hidden="true">
    <rect width="32" height="32" rx="8" fill="var(--accent)"/>
    <g fill="none" stroke="var(--accent-fg)" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">
      <path d="M16 26V9"/>
      <path d="M16 19c0-3.5-2.5-5-6.5-5.5"/>
      <path d="M16 16c0-3.2 2.5-4.6 6.5-5"/>
    </g>
    <g fill="var(--accent-fg)">
      <circle cx="16" cy="8" r="2.3"/>
      <circle cx="9" cy="13.4" r="2.3"/>
      <circle cx="23" cy="10.9" r="2.3"/>
    </g>
  </svg>`;
}
