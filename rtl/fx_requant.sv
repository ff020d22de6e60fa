// fx_requant: combinational requantization of a raw fixed-point value to an
// output format, with every rounding mode (Q) and overflow mode (O) and
// saturation bits (N), exactly as fx/ (SystemC sc_fix semantics, or Xilinx
// ap_fixed semantics with AP = 1; see docs/fixed_point.md). It is the one place
// in hardware where rounding and overflow live; every unit instantiates it.
//
// Mode encodings follow the order of fx::Rounding / fx::Overflow:
//   Q: 0 RND, 1 RND_ZERO, 2 RND_MIN_INF, 3 RND_INF, 4 RND_CONV, 5 TRN, 6 TRN_ZERO,
//      7 RND_STOCH: with d dropped bits and k = min(d, 28), round up iff rnd[k-1:0] < the top k
//      bits of the remainder (fx/stochastic.hpp). rnd is the lane's LFSR output (fx_lfsr, which
//      the unit steps by k on each rounding it takes); ignored for Q 0..6.
//   O: 0 SAT, 1 SAT_ZERO, 2 SAT_SYM, 3 WRAP, 4 WRAP_SM
// AP = 1 changes three overflow corners, as fx does for the ap_fixed spellings:
//   signed WRAP_SM, N = 0: the sign comes from bit OUT_W of the floor (before
//     rounding), not of the rounded value;
//   unsigned WRAP, N > 0: every overflow sets the top N bits (all bits for
//     N >= OUT_W) to 1;
//   signed OUT_W = 1, SAT_SYM: behaves as SAT.
// A value is raw * 2^-FRAC; FRAC may be negative.
module fx_requant #(
    parameter int IN_W       = 16,
    parameter int IN_FRAC    = 8,
    parameter bit IN_SIGNED  = 1,
    parameter int OUT_W      = 8,
    parameter int OUT_FRAC   = 4,
    parameter bit OUT_SIGNED = 1,
    parameter int Q          = 5,
    parameter int O          = 3,
    parameter int N          = 0,
    parameter int AP         = 0   // 1: Xilinx ap_fixed semantics (0: SystemC)
) (
    input  logic [ IN_W-1:0] din,
    /* verilator lint_off UNUSEDSIGNAL */  // Q = 7 reads its low min(d, 28) bits, Q 0..6 none
    input  logic [     27:0] rnd,
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [OUT_W-1:0] dout,
    output logic             inexact,   // bits were dropped by rounding
    output logic             tie,       // ... exactly half an LSB
    output logic             overflow   // the rounded value was out of range
);
  localparam int SHIFT = IN_FRAC - OUT_FRAC;
  localparam int RSH = SHIFT > 0 ? SHIFT : 0;  // fraction bits dropped
  localparam int LSH = SHIFT < 0 ? -SHIFT : 0;  // zero bits appended
  localparam int RS1 = RSH > 0 ? RSH : 1;  // a legal width when nothing is dropped
  localparam int EW = IN_W + 1;  // input with room for a sign bit
  localparam int XW_IN = EW + RSH + LSH;
  localparam int XW_OUT = OUT_W + 1;
  // Working width: the shifted input, or the output range plus a sign, plus a carry bit.
  localparam int XW = (XW_IN > XW_OUT ? XW_IN : XW_OUT) + 2;

  localparam logic signed [XW-1:0] LO = OUT_SIGNED ? -(XW'(1) <<< (OUT_W - 1)) : '0;
  localparam logic signed [XW-1:0] HI = OUT_SIGNED ? (XW'(1) <<< (OUT_W - 1)) - 1
                                                   : (XW'(1) <<< OUT_W) - 1;
  // Top-N saturation pattern (WRAP / WRAP_SM with 0 < N < OUT_W).
  localparam int NS = (N > 0 && N < OUT_W) ? N : 1;
  localparam logic [OUT_W-1:0] TOP_MASK = ~((OUT_W'(1) << (OUT_W - NS)) - 1);
  localparam logic [OUT_W-1:0] MSB = OUT_W'(1) << (OUT_W - 1);
  localparam logic [OUT_W-1:0] PAT_POS = OUT_SIGNED ? (TOP_MASK & ~MSB) : TOP_MASK;
  // ap_fixed's unsigned wrap sets the top N bits on an underflow too.
  localparam logic [OUT_W-1:0] PAT_NEG = OUT_SIGNED ? MSB : (AP != 0 ? TOP_MASK : '0);
  // The symmetric range of SAT_SYM (ap_fixed has none on a signed 1-bit output: SAT there).
  localparam bit SYM = O == 2 && OUT_SIGNED && !(AP != 0 && OUT_W == 1);
  // Underflows that give HI: ap_fixed's unsigned wrap with N >= OUT_W sets every bit.
  localparam bit UNDER_HI = AP != 0 && !OUT_SIGNED && O == 3;

  logic signed [EW-1:0] x;
  logic signed [XW-1:0] xs, fl, v;
  logic [RS1-1:0] rem;
  logic neg, half_bit, below_half_nonzero, gt_half, stoch_up, up;
  localparam int KB = RSH < 28 ? RSH : 28;  // random bits one stochastic rounding reads
  localparam int KB1 = KB > 0 ? KB : 1;

  assign x = IN_SIGNED ? $signed({din[IN_W-1], din}) : $signed({1'b0, din});
  assign neg = x[EW-1];
  assign xs = XW'(x) <<< LSH;
  assign fl = xs >>> RSH;  // floor in output LSB units

  // ---- rounding -------------------------------------------------------------
  generate
    if (RSH > 0) begin : g_round
      assign rem = xs[RS1-1:0];
      assign half_bit = rem[RS1-1];
      assign stoch_up = rnd[KB1-1:0] < rem[RS1-1-:KB1];
      if (RSH > 1) begin : g_low
        assign below_half_nonzero = |rem[RS1-2:0];
      end else begin : g_nolow
        assign below_half_nonzero = 1'b0;
      end
    end else begin : g_exact
      assign rem = '0;
      assign half_bit = 1'b0;
      assign below_half_nonzero = 1'b0;
      assign stoch_up = 1'b0;
    end
  endgenerate

  assign inexact = |rem;
  assign tie = half_bit & ~below_half_nonzero;
  assign gt_half = half_bit & below_half_nonzero;

  always_comb begin
    case (Q)
      0: up = half_bit;  // RND: ties toward +inf
      1: up = gt_half | (tie & neg);  // RND_ZERO
      2: up = gt_half;  // RND_MIN_INF
      3: up = gt_half | (tie & ~neg);  // RND_INF
      4: up = gt_half | (tie & fl[0]);  // RND_CONV
      6: up = neg & inexact;  // TRN_ZERO
      7: up = stoch_up;  // RND_STOCH
      default: up = 1'b0;  // TRN
    endcase
  end

  assign v = fl + XW'(up);

  // ---- overflow -------------------------------------------------------------
  logic under, over, flip;
  logic [OUT_W-1:0] low_bits, kept;

  assign under = SYM ? (v <= LO) : (v < LO);
  assign over = v > HI;
  assign overflow = under | over;
  assign low_bits = v[OUT_W-1:0];

  always_comb begin
    // WRAP_SM: invert the kept bits when the wrapped sign disagrees with the intended one.
    if (N == 0) flip = (AP != 0 ? fl[OUT_W] : v[OUT_W]) != v[OUT_W-1];
    else if (N == 1) flip = v[XW-1] != v[OUT_W-1];
    else flip = v[XW-1] == v[OUT_W-NS];
    kept = (O == 4 && flip) ? ~low_bits : low_bits;
    if (!overflow) begin
      dout = low_bits;
    end else if (O == 1) begin  // SAT_ZERO
      dout = '0;
    end else if (O == 0 || O == 2 || N >= OUT_W) begin  // SAT, SAT_SYM, wrap with N >= W
      if (!under || UNDER_HI) dout = HI[OUT_W-1:0];
      else if (SYM) dout = OUT_W'(-HI);
      else dout = LO[OUT_W-1:0];
    end else if (N == 0 || (O == 4 && N == 1)) begin  // plain wrap / sign-magnitude wrap
      dout = kept;
    end else begin  // top N bits saturate toward the sign of v
      dout = (kept & ~TOP_MASK) | (v[XW-1] ? PAT_NEG : PAT_POS);
    end
  end
endmodule
