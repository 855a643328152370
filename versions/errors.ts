/** A failure of the library manager the user can act on: `message` is one sentence saying what to do. */
export class LibraryError extends Error {
  constructor(
    message: string,
    /** What failed: source, tools, build, bindings, install, lock, not-installed, usage. */
    readonly kind: string,
    /** Full build log, when there is one. */
    readonly log?: string,
  ) {
    super(message);
    this.name = 'LibraryError';
  }
}
