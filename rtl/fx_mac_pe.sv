// fx_mac_pe: fixed-point multiply-accumulate processing element (docs/rtl_units.md).
// Per beat: beat = sum_i a_i * w_i (exact); acc = wrap_or_saturate_ACC((start ? 0 : acc) + beat);
// on a `last` beat, requant(acc) to the output format leaves the pipeline.
//
// Stages (global stall, latency = STAGES):
//   STAGES >= 2: products registered right after the multipliers (DSP48 M register);
//   STAGES >= 3: the lane sum registered;
//   always:      the accumulator stage (its register also holds the requantized result);
//   the rest:    plain delay stages on the result.
module fx_mac_pe #(
    parameter int SIMD       = 8,
    parameter int A_W        = 8,
    parameter int A_FRAC     = 4,
    parameter bit A_SIGNED   = 1,
    parameter int W_W        = 8,
    parameter int W_FRAC     = 6,
    parameter bit W_SIGNED   = 1,
    parameter int ACC_W      = 24,
    parameter int ACC_O      = 3,
    parameter int OUT_W      = 8,
    parameter int OUT_FRAC   = 4,
    parameter bit OUT_SIGNED = 1,
    parameter int Q          = 4,
    parameter int O          = 0,
    parameter int N          = 0,
    parameter int AP         = 0,   // 1: ap_fixed semantics in the output requantizer
    parameter int STAGES     = 2
) (
    input  logic                  clk,
    input  logic                  rst_n,
    input  logic                  in_valid,
    output logic                  in_ready,
    input  logic                  in_start,
    input  logic                  in_last,
    input  logic [SIMD*A_W-1:0]   in_a,
    input  logic [SIMD*W_W-1:0]   in_w,
    output logic                  out_valid,
    input  logic                  out_ready,
    output logic [   OUT_W-1:0]   out_data,
    output logic                  out_overflow,
    input  logic [        30:0]   lfsr_seed  // Q = 7: the LFSR's state, loaded in reset (fx_acc_out)
);
  localparam int PW = A_W + W_W + 1;  // exact product of the sign/zero-extended operands
  localparam int BW = PW + $clog2(SIMD);  // exact sum of SIMD products
  localparam int PF = A_FRAC + W_FRAC;  // fraction bits of products and accumulator
  localparam int P_DEPTH = STAGES >= 2 ? 1 : 0;
  localparam int B_DEPTH = STAGES >= 3 ? 1 : 0;
  localparam int TAIL = STAGES - 1 - P_DEPTH - B_DEPTH;

  logic advance;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;

  // ---- multipliers ------------------------------------------------------------------------
  logic [SIMD*PW-1:0] prod, prod_p;
  for (genvar i = 0; i < SIMD; i++) begin : g_lane
    logic signed [A_W:0] ax;
    logic signed [W_W:0] wx;
    assign ax = $signed({A_SIGNED & in_a[i*A_W+A_W-1], in_a[i*A_W+:A_W]});
    assign wx = $signed({W_SIGNED & in_w[i*W_W+W_W-1], in_w[i*W_W+:W_W]});
    assign prod[i*PW+:PW] = PW'(ax) * PW'(wx);
  end

  logic v_p, start_p, last_p;
  fx_pipe #(
      .W(SIMD * PW + 2),
      .DEPTH(P_DEPTH)
  ) u_prod_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(in_valid), .in_data({in_start, in_last, prod}),
      .out_valid(v_p), .out_data({start_p, last_p, prod_p})
  );

  // ---- lane sum ---------------------------------------------------------------------------
  logic signed [BW-1:0] beat, beat_b;
  always_comb begin
    beat = '0;
    for (int i = 0; i < SIMD; i++) beat = beat + BW'($signed(prod_p[i*PW+:PW]));
  end

  logic v_b, start_b, last_b;
  fx_pipe #(
      .W(BW + 2),
      .DEPTH(B_DEPTH)
  ) u_beat_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(v_p), .in_data({start_p, last_p, beat}),
      .out_valid(v_b), .out_data({start_b, last_b, beat_b})
  );

  // ---- accumulator, output requantizer and delay stages -------------------------------------
  fx_acc_out #(
      .BW(BW), .ACC_W(ACC_W), .ACC_O(ACC_O), .PF(PF),
      .OUT_W(OUT_W), .OUT_FRAC(OUT_FRAC), .OUT_SIGNED(OUT_SIGNED), .Q(Q), .O(O), .N(N),
      .AP(AP),
      .TAIL(TAIL)
  ) u_acc (
      .clk, .rst_n, .en(advance),
      .in_valid(v_b), .in_start(start_b), .in_last(last_b), .in_beat(beat_b), .lfsr_seed,
      .out_valid, .out_data, .out_overflow
  );
endmodule
