// C sources that the build inlines as text (scripts/build.mjs: loader '.c': 'text').
declare module '*.c' {
  const text: string;
  export default text;
}
