// int_requant: the requantizer of an affine integer layer (docs/rtl_units.md), after an MVAU whose
// PEs accumulate integer products. Per beat, PE lanes of ACC_W-bit accumulators of channels
// f*PE .. f*PE+PE-1 (f the fold, counted on the input beats), each lane
//   s = (acc + bias_c) wrapped to ACC_W bits     (the bias folds the input zero point's term)
//   r = requantize(s, M0_c, n_c)                  fx::requantize_integer's arithmetic:
//       ROUNDING 0 (DOUBLE, gemmlowp / TFLite): a = sat32(s << max(-n, 0)),
//         r1 = floor((a * M0 + 2^(B-1)) / 2^B)  (= SaturatingRoundingDoublingHighMul with
//         M0 * 2^(31-B); the one saturating case needs a negative multiplier, never here),
//         r = r1 / 2^max(n, 0) rounded half away from zero;
//       ROUNDING 1 (SINGLE): r = floor((s * M0 * 2^max(-n, 0) + 2^(B+max(n,0)-1)) / 2^(B+max(n,0))),
//         built as one right shift of s * M0 by B + n and a one-bit rounding shift
//   y = clamp(r + ZP, LO, HI), LO/HI the output range, LO raised to ZP with RELU (real 0 = ZP).
// B = M0_BITS. Left shifts (n < 0) are built up to LSHIFT_MAX places (0: none); a larger one
// counts as LSHIFT_MAX (units::check_channel refuses to write it).
//
// Parameter memory: NF = CH / PE words of PE x {bias[B_W], shift[7] (signed n), m0[M0_BITS]}
// (m0 in the low bits), lane p at [p*WORD +: WORD], written through wr_* before the run; a write
// restarts the fold counter (write between vectors, never in the middle of one). Read
// asynchronously at the fold of the beat being accepted, as mvau's scale / bias memory.
//
// Stages (global stall, latency = STAGES): STAGES >= 2 registers the product (DSP48 M register),
// STAGES >= 3 the rounded value r; then the result register and plain delay stages.
module int_requant #(
    parameter int PE         = 1,
    parameter int CH         = 4,
    parameter int ACC_W      = 32,
    parameter int B_W        = 32,
    parameter int M0_BITS    = 31,
    parameter int LSHIFT_MAX = 0,
    parameter int ROUNDING   = 0,  // 0 DOUBLE, 1 SINGLE
    parameter int OUT_W      = 8,
    parameter bit OUT_SIGNED = 1,
    parameter int ZP         = 0,
    parameter int RELU       = 0,
    parameter int STAGES     = 2,
    localparam int SH_W      = 7,
    localparam int WORD      = B_W + SH_W + M0_BITS,  // one channel's {bias, shift, m0}
    localparam int NF        = CH / PE,
    localparam int BAW       = NF > 1 ? $clog2(NF) : 1
) (
    input  logic                clk,
    input  logic                rst_n,
    input  logic                in_valid,
    output logic                in_ready,
    input  logic [PE*ACC_W-1:0] in_data,
    output logic                out_valid,
    input  logic                out_ready,
    output logic [PE*OUT_W-1:0] out_data,
    input  logic                wr_en,
    input  logic [     BAW-1:0] wr_addr,
    input  logic [ PE*WORD-1:0] wr_data
);
  localparam int B = M0_BITS;
  // DOUBLE: a is s (ACC_W bits), or s shifted left and saturated to 32 bits.
  localparam int AW = LSHIFT_MAX > 0 ? 32 : ACC_W;
  // SINGLE: s * m0, with room for the left shifts beyond B (LSHIFT_MAX > B only).
  localparam int LX = LSHIFT_MAX > B ? LSHIFT_MAX - B : 0;
  localparam int XW = ACC_W + B + 1 + LX;
  localparam int MUL_A = ROUNDING == 0 ? AW : ACC_W;  // the multiplier's signed operand
  localparam int PW = MUL_A + B + 1;  // its product (m0 is unsigned: one zero bit on top)
  localparam int RW = ROUNDING == 0 ? AW + 2 : XW + 1;  // r, before the output clamp
  localparam int YW = 35;  // r saturated to 34 bits + ZP, room for every 32-bit output range
  localparam logic signed [YW-1:0] Q_MIN = OUT_SIGNED ? -(YW'(1) <<< (OUT_W - 1)) : '0;
  localparam logic signed [YW-1:0] Q_MAX = OUT_SIGNED ? (YW'(1) <<< (OUT_W - 1)) - 1
                                                      : (YW'(1) <<< OUT_W) - 1;
  localparam logic signed [YW-1:0] ZP_V = YW'(ZP);
  localparam logic signed [YW-1:0] LO = RELU != 0 && ZP_V > Q_MIN ? ZP_V : Q_MIN;
  localparam logic signed [YW-1:0] R_MAX = (YW'(1) <<< 33) - 1;  // r's saturation: +-2^33
  // Shift bounds as SH_W-bit constants, compared with n in its own width.
  localparam logic signed [SH_W-1:0] N_LMIN = SH_W'(-LSHIFT_MAX);
  localparam logic signed [SH_W-1:0] N_DCAP = SH_W'(AW + 1);  // DOUBLE: k beyond it gives 0
  localparam int P_DEPTH = STAGES >= 2 ? 1 : 0;
  localparam int R_DEPTH = STAGES >= 3 ? 1 : 0;
  localparam int Y_DEPTH = STAGES - P_DEPTH - R_DEPTH;  // result register + delay stages

  logic advance, fire;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;
  assign fire     = in_valid && advance;

  // ---- parameter memory and the fold counter ------------------------------------------------
  logic [PE*WORD-1:0] mem[NF];
  logic [BAW-1:0] f;
  logic [PE*WORD-1:0] word;
  always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data;
  assign word = mem[f];
  always_ff @(posedge clk) begin
    if (!rst_n || wr_en) f <= '0;
    else if (fire) f <= f == BAW'(NF - 1) ? '0 : f + 1'b1;
  end

  // ---- per lane: multiply (stage P), round (stage R), zero point and clamp (stage Y) -----------
  logic v_p, v_r;
  logic [PE*PW-1:0] prod, prod_p;
  logic [PE*SH_W-1:0] sh, sh_p;
  logic [PE*RW-1:0] r, r_r;
  logic [PE*OUT_W-1:0] y;

  for (genvar p = 0; p < PE; p++) begin : g_lane
    logic signed [ACC_W-1:0] acc, s;
    logic signed [B_W-1:0] bias;
    logic [B-1:0] m0;
    logic signed [SH_W-1:0] n;
    assign acc  = in_data[p*ACC_W +: ACC_W];
    assign m0   = word[p*WORD +: B];
    assign n    = word[p*WORD + B +: SH_W];
    assign bias = word[p*WORD + B + SH_W +: B_W];
    assign s    = ACC_W'(acc + ACC_W'(bias));  // wraps: the accumulator's own rule
    assign sh[p*SH_W +: SH_W] = n;

    logic signed [MUL_A-1:0] a;
    if (ROUNDING == 0 && LSHIFT_MAX > 0) begin : g_lshift
      // sat32(s << lsh): the gemmlowp left shift, before the multiply.
      // Wide enough for s << LSHIFT_MAX and for the 32-bit bounds it is compared with.
      localparam int LW = ACC_W + LSHIFT_MAX > 32 ? ACC_W + LSHIFT_MAX : 33;
      logic signed [LW-1:0] wide;
      logic [SH_W-1:0] lsh;  // max(-n, 0), at most LSHIFT_MAX
      assign lsh = n >= 0 ? '0 : n < N_LMIN ? SH_W'(LSHIFT_MAX) : SH_W'(-n);
      assign wide = LW'(s) <<< lsh;
      assign a = wide > LW'(32'sh7fff_ffff) ? 32'sh7fff_ffff
               : wide < -(LW'(1) <<< 31) ? 32'sh8000_0000 : MUL_A'(wide);
    end else begin : g_no_lshift
      assign a = MUL_A'(s);
    end
    logic signed [B:0] m0x;
    assign m0x = $signed({1'b0, m0});
    assign prod[p*PW +: PW] = PW'(a) * PW'(m0x);
  end

  fx_pipe #(
      .W(PE * (PW + SH_W)),
      .DEPTH(P_DEPTH)
  ) u_prod_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(in_valid), .in_data({prod, sh}),
      .out_valid(v_p), .out_data({prod_p, sh_p})
  );

  for (genvar p = 0; p < PE; p++) begin : g_round
    logic signed [PW-1:0] pp;
    logic signed [SH_W-1:0] n;
    assign pp = prod_p[p*PW +: PW];
    assign n  = sh_p[p*SH_W +: SH_W];
    if (ROUNDING == 0) begin : g_double
      // r1 = floor((a m0 + 2^(B-1)) / 2^B), AW bits; then half away from zero by 2^k,
      // k = min(n, AW + 1) (a larger shift leaves 0, as AW + 1 does).
      localparam int EW = AW + 2;
      localparam int KW = $clog2(AW + 2);
      logic signed [PW-1:0] nudged;
      logic signed [EW-1:0] r1, q, rem, mask, thr;
      logic [KW-1:0] k;
      assign nudged = pp + (PW'(1) <<< (B - 1));
      assign r1 = EW'(nudged >>> B);
      assign k = n <= 0 ? '0 : (n > N_DCAP ? KW'(AW + 1) : KW'(n));
      assign mask = (EW'(1) <<< k) - 1;
      assign rem = r1 & mask;
      assign thr = (mask >>> 1) + $signed(EW'(r1 < 0));
      assign q = (r1 >>> k) + $signed(EW'(rem > thr));  // signed: >>> stays arithmetic
      assign r[p*RW +: RW] = q;
    end else begin : g_single
      // floor((X + 2^(T-1)) / 2^T) = floor((floor(X / 2^(T-1)) + 1) / 2) for T >= 1, with
      // X = P 2^(LX+1) and T = B + n + LX + 1 >= 1 (n at least -LSHIFT_MAX): for B + n >= 1 this
      // is floor((P + 2^(B+n-1)) / 2^(B+n)), the right shift of n >= 0 and the left shifts below
      // B alike; for B + n <= 0 (LSHIFT_MAX > B only) it is P 2^-(B+n), exactly. So one
      // arithmetic right shift by T - 1 = V0 + u (a constant, then u = n + LSHIFT_MAX) and a
      // one-bit rounding shift; a shift past the sign leaves -1 or 0, both rounding to 0.
      localparam int V0 = B - LSHIFT_MAX + LX;  // >= 0
      localparam int U_CAP = XW - V0;  // u beyond it: X shifted past its sign
      localparam int UW = $clog2(U_CAP + 1);
      logic signed [SH_W-1:0] nc;
      logic [SH_W:0] u;
      logic [UW-1:0] uc;
      logic signed [XW:0] x, fl, q;  // fl = floor(X / 2^(T-1))
      assign nc = n < N_LMIN ? N_LMIN : n;
      assign u = (SH_W + 1)'(nc) + (SH_W + 1)'(LSHIFT_MAX);  // 0 .. 62 + LSHIFT_MAX
      assign uc = u > (SH_W + 1)'(U_CAP) ? UW'(U_CAP) : UW'(u);
      assign x = (XW + 1)'(pp) <<< (LX + 1);
      assign fl = (x >>> V0) >>> uc;
      assign q = (fl + 1) >>> 1;
      assign r[p*RW +: RW] = q;
    end
  end

  fx_pipe #(
      .W(PE * RW),
      .DEPTH(R_DEPTH)
  ) u_round_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(v_p), .in_data(r),
      .out_valid(v_r), .out_data(r_r)
  );

  for (genvar p = 0; p < PE; p++) begin : g_clamp
    logic signed [RW-1:0] rr;
    logic signed [YW-1:0] rs, sum;
    assign rr = r_r[p*RW +: RW];
    if (RW > YW - 1) begin : g_sat
      assign rs = rr > RW'(R_MAX) ? R_MAX : rr < -RW'(R_MAX) ? -R_MAX : YW'(rr);
    end else begin : g_fit
      assign rs = YW'(rr);
    end
    assign sum = rs + ZP_V;
    assign y[p*OUT_W +: OUT_W] = OUT_W'(sum > Q_MAX ? Q_MAX : sum < LO ? LO : sum);
  end

  fx_pipe #(
      .W(PE * OUT_W),
      .DEPTH(Y_DEPTH)
  ) u_result (
      .clk, .rst_n, .en(advance),
      .in_valid(v_r), .in_data(y),
      .out_valid(out_valid), .out_data(out_data)
  );
endmodule
