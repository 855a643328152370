// The editor's declarations of the cell API (the globals of cells besides librdkafka's own): generated at
// build time from cell-api.ts by scripts/cell-globals-dts.mjs (scripts/build.mjs passes the text in), so
// there is one source of truth. The VS Code side writes it next to rdkafka.d.ts for the cells' TypeScript
// project (extension/intellisense.ts).
declare const __CELL_GLOBALS_DTS__: string;

export const CELL_GLOBALS_DTS: string = __CELL_GLOBALS_DTS__;
