// bottleneck/light.js is the same API as the full build without clustering; the package types only the full one.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
