/**
 * SQL text with its values kept apart. Built only with the `sql` tag, so every
 * value becomes a bound parameter; identifiers come from code through `raw`.
 */
export class Sql {
  readonly strings: readonly string[]
  readonly values: readonly unknown[]

  constructor(strings: readonly string[], values: readonly unknown[]) {
    this.strings = strings
    this.values = values
  }

  /** Renders with the engine's placeholder for the n-th value (1-based). */
  render(placeholder: (n: number) => string): { text: string; values: unknown[] } {
    let text = this.strings[0] ?? ''

    for (let i = 1; i < this.strings.length; i++) {
      text += placeholder(i) + (this.strings[i] ?? '')
    }

    return { text, values: [...this.values] }
  }
}

export function sql(strings: TemplateStringsArray, ...parts: unknown[]): Sql {
  const outStrings: string[] = [strings[0] ?? '']
  const outValues: unknown[] = []

  parts.forEach((part, i) => {
    const next = strings[i + 1] ?? ''
    if (part instanceof Sql) {
      appendFragment(outStrings, outValues, part)
      outStrings[outStrings.length - 1] += next
    } else {
      outValues.push(part)
      outStrings.push(next)
    }
  })

  return new Sql(outStrings, outValues)
}

/** Text from code, never from a payload: table names, column lists, ORDER BY. */
export function raw(text: string): Sql {
  return new Sql([text], [])
}

export function join(fragments: readonly Sql[], separator = ', '): Sql {
  const strings: string[] = ['']
  const values: unknown[] = []

  fragments.forEach((fragment, i) => {
    if (i > 0) strings[strings.length - 1] += separator
    appendFragment(strings, values, fragment)
  })

  return new Sql(strings, values)
}

/** `(?, ?, ?)` for a list of values, for IN and multi-row VALUES. */
export function list(values: readonly unknown[]): Sql {
  return sql`(${join(values.map((value) => sql`${value}`))})`
}

export const EMPTY = raw('')

/** Splits rows so that each statement stays under the engine's bind limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size))
  const out: T[][] = []

  for (let i = 0; i < items.length; i += step) out.push(items.slice(i, i + step))

  return out
}

function appendFragment(strings: string[], values: unknown[], fragment: Sql): void {
  strings[strings.length - 1] += fragment.strings[0] ?? ''
  for (let i = 1; i < fragment.strings.length; i++) {
    strings.push(fragment.strings[i] ?? '')
  }
  values.push(...fragment.values)
}
