// htl (Hypertext Literal) ships no type declarations. Its two tagged templates return DOM nodes:
// an Element for a single top-level element, else a DocumentFragment (or null for empty output).
declare module "htl" {
  export function html(strings: TemplateStringsArray, ...values: unknown[]): HTMLElement;
  export function svg(strings: TemplateStringsArray, ...values: unknown[]): SVGElement;
}
