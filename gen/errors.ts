/** A failure the user can act on: `message` is one sentence saying what failed and what to do. */
export class GenError extends Error {
  constructor(
    message: string,
    /** Which stage failed: input, preprocess, parse, layout, write. */
    readonly stage: string,
  ) {
    super(message);
    this.name = 'GenError';
  }
}
