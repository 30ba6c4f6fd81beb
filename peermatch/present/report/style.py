"""The report's style sheet: the page, the picture, the controls, and print.

Print (to PDF): the controls are left out, everything is shown unfaded, the network is
kept on one page (no taller than an A4 page's text area), headings stay with what follows
them, and a table row never splits (its header repeats on each page).
"""

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 0 auto; max-width: 1100px; padding: 1.5rem; color: #222; background: #fff; }
h1 { margin: 0 0 .25rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.muted { color: #666; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #222; }
svg text.topic { font-size: 9px; paint-order: stroke; stroke: #fff; stroke-width: 3px;
  text-anchor: middle; }
svg .node circle { stroke: #fff; stroke-width: 1.5; }
svg .node text { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .node.unlinked circle { opacity: .45; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; font-size: 13px; }
.legend span::before { content: ""; display: inline-block; width: .8em; height: .8em;
  margin-right: .35em; vertical-align: -.05em; background: var(--c); border-radius: 50%; }
.legend span.line::before { height: .2em; border-radius: 0; vertical-align: .2em; width: 1.4em; }
table { border-collapse: collapse; font-size: 13px; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .2rem .45rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; min-width: 2.2em; }
tr.area th { background: #f4f4f4; text-align: left; }
td.gap { color: #b2182b; font-weight: 600; } td.related-only { color: #8a6d00; }
.system { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; margin: .8rem 0; }
.system h3 { margin: .1rem 0 .3rem; } .system h4 { margin: .6rem 0 .2rem; }
.system ul { margin: .2rem 0; padding-left: 1.2rem; }
.evidence { color: #444; } .source { color: #777; font-size: 12px; }
.score { font-variant-numeric: tabular-nums; font-weight: 600; }
svg .link path.hit { fill: none; stroke: transparent; stroke-width: 10px; }
svg .link:hover path { stroke-width: 4; } svg .link:hover path.hit { stroke-width: 10px; }
svg text.topic { pointer-events: none; }
svg .node { cursor: pointer; }
svg .node text.crowded { display: none; }
svg .node:hover text.crowded, svg .node.near text.crowded, svg .node.hit text.crowded,
svg .node.focus text.crowded { display: inline; }
svg .node.focus circle, svg .node.hit circle { stroke: #222; stroke-width: 2.5; }
svg .node.focus text, svg .node.hit text { font-weight: 700; }
.faded { opacity: .12; } svg .node.unlinked.faded circle { opacity: .12; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center;
  font-size: 14px; margin: .6rem 0 .2rem; }
.controls input, .controls select { font: inherit; padding: .15rem .35rem; margin-left: .3rem; }
.controls input { width: 16em; } .controls select { max-width: 22em; }
#info { min-height: 1.4em; margin: .2rem 0 .5rem; }
figure.wide { width: calc(100vw - 3rem); max-width: max-content; position: relative;
  left: 50%; transform: translateX(-50%); overflow: visible; }
@page { margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .controls, #info { display: none; }
  .faded { opacity: 1 !important; }
  svg .node text.crowded { display: none !important; }
  h2, h3, h4, tr.area { break-after: avoid; page-break-after: avoid; }
  figure { overflow: visible; break-inside: avoid; page-break-inside: avoid; }
  figure.wide { width: auto; left: 0; transform: none; }
  figure svg, figure .matrix { max-height: 245mm; max-width: 100%; width: auto; }
  thead { display: table-header-group; } tfoot { display: table-footer-group; }
  tr, li, .system h3, .system h4 { break-inside: avoid; page-break-inside: avoid; }
  .system { break-inside: avoid-page; }
  a { color: inherit; text-decoration: none; }
}
"""
