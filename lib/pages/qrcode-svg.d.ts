// The two modules of qrcode that make an SVG QR code (what its toString({ type: 'svg' }) calls), without the
// package's entry, which also loads its PNG renderer and pngjs. qrcode has no exports map; these are its files.
declare module 'qrcode/lib/core/qrcode' {
  import type { QRCode, QRCodeOptions } from 'qrcode';
  export function create(text: string, options?: QRCodeOptions): QRCode;
}
declare module 'qrcode/lib/renderer/svg-tag' {
  import type { QRCode, QRCodeRenderersOptions } from 'qrcode';
  export function render(qrData: QRCode, options?: QRCodeRenderersOptions): string;
}
