// bn_act: batch-norm + activation on one element per beat (docs/rtl_units.md):
//   t = x * scale + bias (exact, on the finer of the product's and the bias's LSB),
//   r = requant(t) to the output format (fx_requant), y = act(r) on raw output values.
// SCALE_KIND 0: fixed-point scale (a multiplier); 1: K-hot / SPT scale of K terms
// {en, neg, shift} (shift-add, no multiplier).
//
// Q = 7 (RND_STOCH): the requantizer's random bits come from an fx_lfsr (K = min(F - OUT_FRAC,
// 28) bits a rounding) loaded with lfsr_seed while rst_n is low and stepped on each edge that
// moves a value through the requantizer (advance with a valid t): one rounding per element, in
// stream order. Q 0..6 ignore lfsr_seed.
//
// Stages (global stall, latency = STAGES): STAGES >= 2 registers the product (DSP48 M register),
// STAGES >= 3 the sum t; then the result register and plain delay stages.
module bn_act #(
    parameter int X_W        = 16,
    parameter int X_FRAC     = 8,
    parameter bit X_SIGNED   = 1,
    parameter int SCALE_KIND = 0,
    parameter int S_W        = 8,
    parameter int S_FRAC     = 6,
    parameter bit S_SIGNED   = 1,
    parameter int K          = 2,
    parameter int SH_W       = 3,
    parameter int B_W        = 16,
    parameter int B_FRAC     = 8,
    parameter int OUT_W      = 8,
    parameter int OUT_FRAC   = 4,
    parameter bit OUT_SIGNED = 1,
    parameter int Q          = 4,
    parameter int O          = 0,
    parameter int N          = 0,
    parameter int AP         = 0,   // 1: ap_fixed semantics in the output requantizer
    parameter int ACT        = 1,
    parameter int CLIP       = 96,
    parameter int STAGES     = 2,
    localparam int SCALE_W   = SCALE_KIND == 0 ? S_W : K * (2 + SH_W)
) (
    input  logic               clk,
    input  logic               rst_n,
    input  logic               in_valid,
    output logic               in_ready,
    input  logic [    X_W-1:0] in_x,
    input  logic [SCALE_W-1:0] in_scale,
    input  logic [    B_W-1:0] in_bias,
    /* verilator lint_off UNUSEDSIGNAL */  // read by Q = 7 only
    input  logic [         30:0] lfsr_seed,
    /* verilator lint_on UNUSEDSIGNAL */
    output logic               out_valid,
    input  logic               out_ready,
    output logic [  OUT_W-1:0] out_y
);
  localparam int TERM_W = 2 + SH_W;
  localparam int KTW = X_W + (1 << SH_W) + 1;  // one shifted, negated term of a K-hot scale
  localparam int PW = SCALE_KIND == 0 ? X_W + S_W + 1 : KTW + $clog2(K);
  localparam int PF = X_FRAC + S_FRAC;
  localparam int F = PF > B_FRAC ? PF : B_FRAC;  // fraction bits of t
  localparam int LP = F - PF;  // left shift aligning the product
  localparam int LB = F - B_FRAC;  // ... and the bias
  localparam int TW = (PW + LP > B_W + LB ? PW + LP : B_W + LB) + 1;
  localparam int P_DEPTH = STAGES >= 2 ? 1 : 0;
  localparam int T_DEPTH = STAGES >= 3 ? 1 : 0;
  localparam int R_DEPTH = STAGES - P_DEPTH - T_DEPTH;  // result register + delay stages

  logic advance;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;

  // ---- x * scale ----------------------------------------------------------------------------
  logic signed [PW-1:0] prod;
  generate
    if (SCALE_KIND == 0) begin : g_mult
      logic signed [X_W:0] xx;
      logic signed [S_W:0] sx;
      assign xx = $signed({X_SIGNED & in_x[X_W-1], in_x});
      assign sx = $signed({S_SIGNED & in_scale[S_W-1], in_scale});
      assign prod = PW'(xx) * PW'(sx);
    end else begin : g_shift_add
      logic signed [KTW-1:0] xx;
      assign xx = KTW'($signed({X_SIGNED & in_x[X_W-1], in_x}));
      always_comb begin
        prod = '0;
        for (int k = 0; k < K; k++) begin
          logic [TERM_W-1:0] term;
          logic signed [KTW-1:0] shifted;
          term = in_scale[k*TERM_W+:TERM_W];
          shifted = xx <<< term[SH_W-1:0];
          if (term[TERM_W-1]) prod = term[TERM_W-2] ? prod - PW'(shifted) : prod + PW'(shifted);
        end
      end
    end
  endgenerate

  logic v_p;
  logic signed [PW-1:0] prod_p;
  logic [B_W-1:0] bias_p;
  fx_pipe #(
      .W(PW + B_W),
      .DEPTH(P_DEPTH)
  ) u_prod_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(in_valid), .in_data({prod, in_bias}),
      .out_valid(v_p), .out_data({prod_p, bias_p})
  );

  // ---- + bias -------------------------------------------------------------------------------
  logic signed [TW-1:0] t, t_t;
  assign t = (TW'(prod_p) <<< LP) + (TW'($signed(bias_p)) <<< LB);

  logic v_t;
  fx_pipe #(
      .W(TW),
      .DEPTH(T_DEPTH)
  ) u_sum_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(v_p), .in_data(t),
      .out_valid(v_t), .out_data(t_t)
  );

  // ---- requant + activation -------------------------------------------------------------------
  logic [OUT_W-1:0] r;
  /* verilator lint_off UNUSEDSIGNAL */
  logic r_inexact, r_tie, r_ovf;
  /* verilator lint_on UNUSEDSIGNAL */
  localparam int D = F - OUT_FRAC;  // bits the requantizer drops
  localparam int KR = D <= 0 ? 0 : (D < 28 ? D : 28);
  logic [27:0] rnd;
  generate
    if (Q == 7 && KR > 0) begin : g_lfsr
      logic [KR-1:0] bits;
      fx_lfsr #(
          .K(KR)
      ) u_lfsr (
          .clk, .rst_n, .seed(lfsr_seed),
          .step(advance && v_t),
          .bits(bits)
      );
      assign rnd = 28'(bits);
    end else begin : g_no_lfsr
      assign rnd = '0;
    end
  endgenerate

  fx_requant #(
      .IN_W(TW), .IN_FRAC(F), .IN_SIGNED(1),
      .OUT_W(OUT_W), .OUT_FRAC(OUT_FRAC), .OUT_SIGNED(OUT_SIGNED),
      .Q(Q), .O(O), .N(N), .AP(AP)
  ) u_requant (
      .din(t_t), .rnd(rnd), .dout(r),
      .inexact(r_inexact), .tie(r_tie), .overflow(r_ovf)
  );

  localparam int OW1 = OUT_W + 1;  // raw output values with room for a sign
  localparam logic signed [OW1-1:0] HI = OUT_SIGNED ? (OW1'(1) <<< (OUT_W - 1)) - 1
                                                    : (OW1'(1) <<< OUT_W) - 1;
  // Raw 1.0 clamped to the output range (0 for OUT_FRAC < 0, where hardtanh / sign are refused).
  localparam logic signed [OW1-1:0] ONE = OUT_FRAC < 0 ? '0
                                        : OUT_FRAC >= OUT_W - (OUT_SIGNED ? 1 : 0) ? HI
                                        : OW1'(1) <<< OUT_FRAC;
  localparam logic signed [OW1-1:0] CLIP_V = OW1'(CLIP);
  localparam logic signed [OW1-1:0] NEG_ONE = OUT_SIGNED ? -ONE : '0;

  logic signed [OW1-1:0] rx;
  /* verilator lint_off UNUSEDSIGNAL */  // y's sign-extension bit: y is in range by construction
  logic signed [OW1-1:0] y;
  /* verilator lint_on UNUSEDSIGNAL */
  assign rx = $signed({OUT_SIGNED & r[OUT_W-1], r});
  always_comb begin
    case (ACT)
      1: y = rx < 0 ? '0 : rx;  // relu
      2: y = rx < 0 ? '0 : (rx > CLIP_V ? CLIP_V : rx);  // relu with clip
      3: y = rx > ONE ? ONE : (rx < -ONE ? -ONE : rx);  // hardtanh
      4: y = rx >= 0 ? ONE : NEG_ONE;  // sign
      default: y = rx;  // none
    endcase
  end

  fx_pipe #(
      .W(OUT_W),
      .DEPTH(R_DEPTH)
  ) u_result (
      .clk, .rst_n, .en(advance),
      .in_valid(v_t), .in_data(y[OUT_W-1:0]),
      .out_valid(out_valid), .out_data(out_y)
  );
endmodule
