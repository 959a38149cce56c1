/** One printed benchmark table: a title, column headers and rows of cells. */
export interface BenchTable {
  title: string
  columns: string[]
  rows: (string | number)[][]
  notes?: string[]
}

export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(formatCell))]
  const widths = table.columns.map((_, i) =>
    Math.max(...cells.map((row) => String(row[i] ?? '').length)),
  )
  const line = (row: (string | number)[]): string =>
    '| ' + row.map((cell, i) => String(cell).padEnd(widths[i] ?? 0)).join(' | ') + ' |'
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'
  const notes = (table.notes ?? []).map((note) => `  ${note}`)

  return [
    `\n## ${table.title}\n`,
    line(table.columns),
    rule,
    ...cells.slice(1).map(line),
    ...notes,
  ].join('\n')
}

function formatCell(cell: string | number): string {
  if (typeof cell === 'string') return cell
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US')

  return cell >= 100 ? cell.toFixed(0) : cell >= 1 ? cell.toFixed(2) : cell.toPrecision(3)
}

/** Percentile over a sorted-in-place copy; `p` in 0..100. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)

  return sorted[Math.max(0, index)] ?? Number.NaN
}
