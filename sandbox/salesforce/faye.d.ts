// faye ships no types; the sandbox uses NodeAdapter only, typed where it is used (streaming.ts).
declare module 'faye' {
  const faye: unknown;
  export default faye;
}
