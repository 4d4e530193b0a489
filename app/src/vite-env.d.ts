/** Vite's `?inline` suffix: the file's processed text as the default export. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
