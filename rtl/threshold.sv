// threshold: the thresholding unit of binary and few-bit activations (docs/rtl_units.md, FINN's
// MultiThreshold), after an MVAU of binary / ternary PEs in place of bn_act. Per beat, PE lanes
// of X_W-bit signed accumulators of channels f*PE .. f*PE+PE-1 (f the fold, counted on the input
// beats), each lane
//   y = #{k : x >= t_k}   (direction bit d = 0)      y = #{k : x <= t_k}   (d = 1)
// over the channel's T thresholds, an unsigned OUT_W = ceil(log2(T + 1))-bit count.
// Thresholds are signed TH_W = X_W + 1-bit integers (one beyond each end of the accumulator:
// "never" and "always" for either direction). Both directions use one comparator:
// x <= t  <=>  ~x >= ~t (two's complement: ~v = -v - 1), so the operands are inverted with d.
//
// Threshold memory: NF = CH / PE words of PE x {t_{T-1}, ..., t_0, d} (d in bit 0, t_k at
// [1 + k*TH_W +: TH_W]), lane p at [p*WORD +: WORD], written through wr_* before the run; a
// write restarts the fold counter (write between vectors, never in the middle of one). Read
// asynchronously at the fold of the beat being accepted, as int_requant's parameter memory.
//
// Stages (global stall, latency = STAGES): STAGES >= 2 registers the comparison bits; then the
// count's result register and plain delay stages.
module threshold #(
    parameter int PE      = 1,
    parameter int CH      = 4,
    parameter int X_W     = 16,
    parameter int T       = 1,
    parameter int STAGES  = 2,
    localparam int TH_W   = X_W + 1,
    localparam int WORD   = T * TH_W + 1,  // one channel's {thresholds, direction}
    localparam int OUT_W  = $clog2(T + 1),
    localparam int NF     = CH / PE,
    localparam int BAW    = NF > 1 ? $clog2(NF) : 1
) (
    input  logic                clk,
    input  logic                rst_n,
    input  logic                in_valid,
    output logic                in_ready,
    input  logic [ PE*X_W-1:0]  in_data,
    output logic                out_valid,
    input  logic                out_ready,
    output logic [PE*OUT_W-1:0] out_data,
    input  logic                wr_en,
    input  logic [    BAW-1:0]  wr_addr,
    input  logic [ PE*WORD-1:0] wr_data
);
  localparam int C_DEPTH = STAGES >= 2 ? 1 : 0;
  localparam int Y_DEPTH = STAGES - C_DEPTH;  // result register + delay stages

  logic advance, fire;
  assign advance  = !out_valid || out_ready;
  assign in_ready = advance;
  assign fire     = in_valid && advance;

  // ---- threshold memory and the fold counter ------------------------------------------------
  logic [PE*WORD-1:0] mem[NF];
  logic [BAW-1:0] f;
  logic [PE*WORD-1:0] word;
  always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data;
  assign word = mem[f];
  always_ff @(posedge clk) begin
    if (!rst_n || wr_en) f <= '0;
    else if (fire) f <= f == BAW'(NF - 1) ? '0 : f + 1'b1;
  end

  // ---- per lane and threshold: one comparison bit (stage C) ---------------------------------
  logic [PE*T-1:0] hit, hit_c;
  logic v_c;
  for (genvar p = 0; p < PE; p++) begin : g_lane
    logic d;
    logic signed [TH_W-1:0] xs;
    assign d  = word[p*WORD];
    assign xs = TH_W'($signed(in_data[p*X_W +: X_W])) ^ {TH_W{d}};
    for (genvar k = 0; k < T; k++) begin : g_cmp
      logic signed [TH_W-1:0] ts;
      assign ts = $signed(word[p*WORD + 1 + k*TH_W +: TH_W]) ^ {TH_W{d}};
      assign hit[p*T + k] = xs >= ts;
    end
  end

  fx_pipe #(
      .W(PE * T),
      .DEPTH(C_DEPTH)
  ) u_cmp_reg (
      .clk, .rst_n, .en(advance),
      .in_valid(in_valid), .in_data(hit),
      .out_valid(v_c), .out_data(hit_c)
  );

  // ---- per lane: the count of its comparison bits (stage Y) ---------------------------------
  logic [PE*OUT_W-1:0] y;
  for (genvar p = 0; p < PE; p++) begin : g_count
    always_comb begin
      logic [OUT_W-1:0] n;
      n = '0;
      for (int k = 0; k < T; k++) n = n + OUT_W'(hit_c[p*T + k]);
      y[p*OUT_W +: OUT_W] = n;
    end
  end

  fx_pipe #(
      .W(PE * OUT_W),
      .DEPTH(Y_DEPTH)
  ) u_result (
      .clk, .rst_n, .en(advance),
      .in_valid(v_c), .in_data(y),
      .out_valid(out_valid), .out_data(out_data)
  );
endmodule
