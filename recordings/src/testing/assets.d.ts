/** Vite/Vitest: `import url from './file?url&inline'` yields the file as a base64 data URL (binary-safe). */
declare module '*?url&inline' {
  const dataUrl: string;
  export default dataUrl;
}
