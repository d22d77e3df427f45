// The console's browser scripts by file name, served from /console/assets/NAME. Each is a
// self-contained ES module kept as a string, so the Worker bundle carries it too.
export const CONSOLE_SCRIPTS: Readonly<Record<string, string>> = {};
