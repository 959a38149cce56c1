/**
 * The distance kernels in WebAssembly text, compiled at start by wabt.
 *
 * Pointers are byte offsets into the imported memory. Every row is `width` bytes, a
 * multiple of 64, so one inner step reads 16 floats into four f32x4 accumulators:
 * four independent add chains keep the adder pipelines busy while the loads stream.
 * The rounding this order causes is bounded in kernel-error-bound.ts.
 *
 * Besides a key per row, the row passes write the smallest key of every group of
 * GROUP_ROWS rows to `mins`, so the selection in JS can skip whole groups.
 */
export const GROUP_ROWS = 64

export const KERNEL_WAT = `
(module
  (import "env" "memory" (memory 1))

  ;; out[r] = sum((row_r - q)^2), the squared euclidean distance
  (func (export "l2")
    (param $q i32) (param $row i32) (param $out i32) (param $mins i32)
    (param $rows i32) (param $width i32)
    ${rowLocals()}
    ${rowLoop(l2Step, '(local.set $key (local.get $s))')}
  )

  ;; out[r] = -(dot(row_r, q) * scales[r]): minus the cosine when q has unit length
  (func (export "dot")
    (param $q i32) (param $row i32) (param $scales i32) (param $out i32) (param $mins i32)
    (param $rows i32) (param $width i32)
    ${rowLocals()}
    ${rowLoop(dotStep, scaledKey())}
  )

  ;; Sums every float in [p, p + bytes): reads what a search reads and nothing more
  (func (export "sum") (param $p i32) (param $bytes i32) (result f32)
    (local $end i32) (local $v v128) (local $s f32) ${accumulators()}
    (local.set $end (i32.add (local.get $p) (local.get $bytes)))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $nextBlock
        ${blockOf(sumStep)}
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br_if $nextBlock (i32.lt_u (local.get $p) (local.get $end)))))
    ${laneSum()}
    (local.get $s))
)
`

function rowLocals(): string {
  return `(local $last i32) (local $groupEnd i32) (local $end i32) (local $qp i32)
    (local $d v128) (local $v v128) (local $s f32) (local $key f32) (local $min f32)
    ${accumulators()}`
}

function accumulators(): string {
  return '(local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)'
}

function blockOf(step: (i: number) => string): string {
  return [0, 1, 2, 3].map(step).join('\n')
}

/**
 * Runs `step` per 16 floats of each row, then `finish` to turn the row's sum ($s)
 * into its key ($key); stores the key and, per group of rows, the group's minimum.
 */
function rowLoop(step: (i: number) => string, finish: string): string {
  return `
    (local.set $last (i32.add (local.get $out) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $out) (local.get $last)))
      (loop $nextGroup
        (local.set $groupEnd (i32.add (local.get $out) (i32.const ${GROUP_ROWS * 4})))
        (if (i32.gt_u (local.get $groupEnd) (local.get $last))
          (then (local.set $groupEnd (local.get $last))))
        (local.set $min (f32.const inf))
        (loop $nextRow
          ${blockOf((i) => `(local.set $a${i} (v128.const i32x4 0 0 0 0))`)}
          (local.set $qp (local.get $q))
          (local.set $end (i32.add (local.get $row) (local.get $width)))
          (loop $nextBlock
            ${blockOf(step)}
            (local.set $row (i32.add (local.get $row) (i32.const 64)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 64)))
            (br_if $nextBlock (i32.lt_u (local.get $row) (local.get $end))))
          ${laneSum()}
          ${finish}
          (f32.store (local.get $out) (local.get $key))
          (local.set $min (f32.min (local.get $min) (local.get $key)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (br_if $nextRow (i32.lt_u (local.get $out) (local.get $groupEnd))))
        (f32.store (local.get $mins) (local.get $min))
        (local.set $mins (i32.add (local.get $mins) (i32.const 4)))
        (br_if $nextGroup (i32.lt_u (local.get $out) (local.get $last)))))`
}

function l2Step(i: number): string {
  const at = `offset=${i * 16}`

  return `(local.set $d
    (f32x4.sub (v128.load ${at} (local.get $row)) (v128.load ${at} (local.get $qp))))
  (local.set $a${i}
    (f32x4.add (local.get $a${i}) (f32x4.mul (local.get $d) (local.get $d))))`
}

function dotStep(i: number): string {
  const at = `offset=${i * 16}`

  return `(local.set $a${i} (f32x4.add (local.get $a${i})
    (f32x4.mul (v128.load ${at} (local.get $row)) (v128.load ${at} (local.get $qp)))))`
}

function sumStep(i: number): string {
  return `(local.set $a${i}
    (f32x4.add (local.get $a${i}) (v128.load offset=${i * 16} (local.get $p))))`
}

function scaledKey(): string {
  return `(local.set $key
    (f32.neg (f32.mul (local.get $s) (f32.load (local.get $scales)))))
  (local.set $scales (i32.add (local.get $scales) (i32.const 4)))`
}

/** $s = ((a0 + a1) + (a2 + a3)) summed over its lanes pairwise. */
function laneSum(): string {
  return `(local.set $v (f32x4.add
    (f32x4.add (local.get $a0) (local.get $a1))
    (f32x4.add (local.get $a2) (local.get $a3))))
  (local.set $s (f32.add
    (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.add (f32x4.extract_lane 2 (local.get $v))
      (f32x4.extract_lane 3 (local.get $v)))))`
}
