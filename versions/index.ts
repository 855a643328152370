// The library manager's public face: what the CLI, the extension and other rooms import.
export { addVersion, refreshBindings, type AddOptions, type AddProgress, type AddResult } from './install.ts';
export { removeVersion } from './remove.ts';
export { listInstalled, systemLibrary, type InstalledVersion, type SystemLibrary } from './list.ts';
export {
  findLibrary,
  installedSummary,
  isSystem,
  normalizeVersion,
  resolveLibrary,
  type ResolvedLibrary,
  type ResolveOptions,
} from './resolve.ts';
export { readDoc } from './docs.ts';
export { LibraryError } from './errors.ts';
export { describeLeftOut } from './features.ts';
export { bindingsCurrent, type Manifest } from './manifest.ts';
export { cacheRoot, versionPaths, versionsRoot } from './paths.ts';
export { compareVersions } from './version.ts';
