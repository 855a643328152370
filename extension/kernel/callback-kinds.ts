// What a callback is, from its prototype: the classification lives with the model (gen/callback-kinds.ts),
// shared by the kernel and the tracer's generator.
export * from '../../gen/callback-kinds.ts';
