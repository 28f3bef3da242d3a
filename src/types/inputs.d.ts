// @observablehq/inputs ships no type declarations; these are the two inputs the components make.
// Each returns a <form> whose `value` is the chosen option and which fires `input` on a change.
declare module "@observablehq/inputs" {
  export interface ChoiceOptions<T> {
    label?: string;
    value?: T;
    format?: (value: T) => string;
  }
  export function select<T>(data: readonly T[], options?: ChoiceOptions<T>): HTMLFormElement & {value: T};
  export function radio<T>(data: readonly T[], options?: ChoiceOptions<T>): HTMLFormElement & {value: T};
}
