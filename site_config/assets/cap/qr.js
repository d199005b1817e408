// @ts-check
// QR codes, drawn and read in the page: drawing with the npm package qrcode-generator, reading with
// BarcodeDetector where the browser has it, else the npm package jsqr (both vendored into the site by
// the build, loaded on first use). The codes' content is the engine's (py/cap/compact.py).
import { el } from "./util.js";

/** The site's root URL (the page's `data-base`).
 * @param {HTMLElement} root */
export const siteBase = (root) => new URL(root.dataset.base || "./", document.baseURI);

/** @typedef {(canvas: HTMLCanvasElement) => Promise<string[]>} QrReader */
/** The browser's BarcodeDetector (Chromium), not in TypeScript's DOM types yet.
 * @typedef {{ getSupportedFormats(): Promise<string[]>,
 *   new (options: { formats: string[] }): { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> } }} BarcodeDetectorClass */
/** jsQR's global function (vendor/jsqr/jsQR.js).
 * @typedef {(data: Uint8ClampedArray, width: number, height: number, options?: object) => { data: string } | null} JsQr */
/** A QR code generator of the npm package qrcode-generator.
 * @typedef {(version: number, level: string) => { addData(text: string, mode: string): void, make(): void,
 *   getModuleCount(): number, isDark(row: number, col: number): boolean }} QrCodeFactory */

const scope = /** @type {Window & { BarcodeDetector?: BarcodeDetectorClass, jsQR?: JsQr }} */ (window);

// -- QR codes: drawing ---------------------------------------------------------------------------------

/** @type {Promise<QrCodeFactory> | null} */
let generator = null;
/** @param {HTMLElement} root */
async function qrGenerator(root) {
  generator ??= import(new URL("vendor/qrcode-generator/qrcode.mjs", siteBase(root)).href).then((m) => m.default);
  return generator;
}

/** Draw `text` (QR alphanumeric characters) as a QR code, error correction M, on `canvas`.
 * @param {HTMLElement} root the page (its `data-base` locates the vendored library)
 * @param {HTMLCanvasElement} canvas
 * @param {string} text */
export async function drawQr(root, canvas, text) {
  const qrcode = await qrGenerator(root);
  const qr = qrcode(0, "M");
  qr.addData(text, "Alphanumeric");
  qr.make();
  const count = qr.getModuleCount();
  const quiet = 4;
  const scale = Math.max(3, Math.floor(400 / (count + 2 * quiet)));
  const size = (count + 2 * quiet) * scale;
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = "#000";
  for (let r = 0; r < count; r += 1) {
    for (let c = 0; c < count; c += 1) {
      if (qr.isDark(r, c)) ctx.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
    }
  }
  canvas.dataset.qrVersion = String((count - 17) / 4);
}

// -- QR codes: reading -----------------------------------------------------------------------------------

/** @type {Promise<QrReader> | null} */
let reader = null;
/** A function canvas → [texts]: BarcodeDetector where present, else jsQR (loaded once).
 * @param {HTMLElement} root the page (its `data-base` locates the vendored library)
 * @returns {Promise<QrReader>} */
export async function qrReader(root) {
  reader ??= (async () => {
    if (scope.BarcodeDetector) {
      try {
        const formats = await scope.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const detector = new scope.BarcodeDetector({ formats: ["qr_code"] });
          /** @type {QrReader} */
          const read = async (canvas) => (await detector.detect(canvas)).map((b) => b.rawValue);
          return read;
        }
      } catch { /* the library below */ }
    }
    if (!scope.jsQR) {
      await new Promise((resolve, reject) => {
        const script = el("script", { src: new URL("vendor/jsqr/jsQR.js", siteBase(root)).href });
        script.addEventListener("load", resolve);
        script.addEventListener("error", () => reject(new Error("le lecteur de QR code n'a pas pu être chargé")));
        document.head.append(script);
      });
    }
    /** @type {QrReader} */
    const read = async (canvas) => {
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = scope.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return found ? [found.data] : [];
    };
    return read;
  })();
  return reader;
}
