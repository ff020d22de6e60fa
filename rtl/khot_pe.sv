// khot_pe: K-hot / signed-power-of-two shift-add processing element (docs/rtl_units.md).
// The stream, accumulator and output requantizer are those of fx_mac_pe; a weight is K terms
// {en, neg, shift} and a lane's product is sum_k (en ? (neg ? -1 : 1) * (a << shift) : 0):
// barrel shifters and adders, no multiplier anywhere.
//
// Stages (global stall, latency = STAGES): STAGES >= 2 registers the lane products, STAGES >= 3
// the lane sum; then the accumulator stage and plain delay stages on the result.
module khot_pe #(
    parameter int SIMD       = 8,
    parameter int A_W        = 8,
    parameter int A_FRAC     = 4,
    parameter bit A_SIGNED   = 1,
    parameter int K          = 2,
    parameter int SH_W       = 3,
    parameter int W_FRAC     = 7,
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
    input  logic                         clk,
    input  logic                         rst_n,
    input  logic                         in_valid,
    output logic                         in_ready,
    input  logic                         in_start,
    input  logic                         in_last,
    input  logic [        SIMD*A_W-1:0]  in_a,
    input  logic [SIMD*K*(2+SH_W)-1:0]   in_w,
    output logic                         out_valid,
    input  logic                         out_ready,
    output logic [           OUT_W-1:0]  out_data,
    output logic                         out_overflow,
    input  logic [        30:0]   lfsr_seed  // Q = 7: the LFSR's state, loaded in reset (fx_acc_out)
);
  localparam int TERM_W = 2 + SH_W;
  // One shifted, negated term: a (A_W + 1 bits with its sign) << up to 2^SH_W - 1, plus one bit
  // so that negating the most negative value cannot overflow.
  localparam int TW = A_W + (1 << SH_W) + 1;
  localparam int PW = TW + $clog2(K);  // sum of K terms
  localparam int BW = PW + $clog2(SIMD);  // sum of SIMD lanes
  localparam int PF = A_FRAC + W_FRAC;
  localparam int P_DEPTH = STAGES >= 2 ? 1 : 0;
  localparam int B_DEPTH = STAGES >= 3 ? 1 : 0;
  localparam int TAIL = STAGES - 1 - P_DEPTH - B_DEPTH;

  logic advance;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;

  // ---- shift-add products -----------------------------------------------------------------
  logic [SIMD*PW-1:0] prod, prod_p;
  for (genvar i = 0; i < SIMD; i++) begin : g_lane
    logic signed [TW-1:0] ax;
    logic signed [PW-1:0] lane_sum;
    assign ax = TW'($signed({A_SIGNED & in_a[i*A_W+A_W-1], in_a[i*A_W+:A_W]}));
    always_comb begin
      lane_sum = '0;
      for (int k = 0; k < K; k++) begin
        logic [TERM_W-1:0] term;
        logic signed [TW-1:0] shifted;
        term = in_w[(i*K+k)*TERM_W+:TERM_W];
        shifted = ax <<< term[SH_W-1:0];
        if (term[TERM_W-1]) lane_sum = term[TERM_W-2] ? lane_sum - PW'(shifted)
                                                      : lane_sum + PW'(shifted);
      end
    end
    assign prod[i*PW+:PW] = lane_sum;
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
