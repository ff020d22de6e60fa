// weight_mem: the weights of a PE x SIMD array in on-chip memory, streamed one fold per beat
// (docs/rtl_units.md). A beat is PE x SIMD words of WORD_W bits: PE p's lane s at bits
// [(p*SIMD + s)*WORD_W +: WORD_W]. Word address a of every PE holds fold a (a = 0..DEPTH-1).
//
// Memory organization: one memory per PE, SIMD*WORD_W bits wide and DEPTH words deep, with one
// write port (all PEs written together from wr_data) and one registered read port; STYLE sets
// its (* ram_style *): 0 AUTO (yosys decides by cost), 1 REGISTERS, 2 LUTRAM, 3 BRAM.
//
// Read side: while `run` is high the unit emits the folds 0, 1, .., DEPTH-1, 0, 1, .. as a
// valid/ready stream. The memory's read data register is the output register: it loads on
// `advance` (empty or taken), which is the read enable of a block RAM's output latch or the clock
// enable of a LUT RAM's data flip-flops. So one beat per cycle flows under any out_ready pattern
// without a skid buffer, and out_valid depends on registers only. A beat is read on the edge
// where advance && run and is valid the cycle after: latency 1.
//
// Write side: wr_en writes wr_data at wr_addr (load the weights before `run`; a write to the
// address being read on the same edge leaves the old word in that beat).
module weight_mem #(
    parameter int PE     = 2,
    parameter int SIMD   = 4,
    parameter int WORD_W = 8,
    parameter int DEPTH  = 16,
    parameter int STYLE  = 0,
    localparam int AW    = DEPTH > 1 ? $clog2(DEPTH) : 1,
    localparam int BEAT_W = PE * SIMD * WORD_W
) (
    input  logic              clk,
    input  logic              rst_n,
    input  logic              run,
    input  logic              wr_en,
    input  logic [    AW-1:0] wr_addr,
    input  logic [BEAT_W-1:0] wr_data,
    output logic              out_valid,
    input  logic              out_ready,
    output logic [BEAT_W-1:0] out_data
);
  localparam int ROW_W = SIMD * WORD_W;

  logic advance, read;
  logic [AW-1:0] rd_addr;
  assign advance = !out_valid || out_ready;
  assign read = advance && run;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_valid <= 1'b0;
      rd_addr <= '0;
    end else if (advance) begin
      out_valid <= run;
      if (run) rd_addr <= rd_addr == AW'(DEPTH - 1) ? '0 : rd_addr + 1'b1;
    end
  end

  for (genvar p = 0; p < PE; p++) begin : g_pe
    logic [ROW_W-1:0] q;
    if (STYLE == 0) begin : g_auto
      (* ram_style = "auto" *) logic [ROW_W-1:0] mem[DEPTH];
      always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data[p*ROW_W +: ROW_W];
      always_ff @(posedge clk) if (read) q <= mem[rd_addr];
    end else if (STYLE == 1) begin : g_registers
      (* ram_style = "logic" *) logic [ROW_W-1:0] mem[DEPTH];
      always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data[p*ROW_W +: ROW_W];
      always_ff @(posedge clk) if (read) q <= mem[rd_addr];
    end else if (STYLE == 2) begin : g_lutram
      (* ram_style = "distributed" *) logic [ROW_W-1:0] mem[DEPTH];
      always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data[p*ROW_W +: ROW_W];
      always_ff @(posedge clk) if (read) q <= mem[rd_addr];
    end else if (STYLE == 3) begin : g_bram
      (* ram_style = "block" *) logic [ROW_W-1:0] mem[DEPTH];
      always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data[p*ROW_W +: ROW_W];
      always_ff @(posedge clk) if (read) q <= mem[rd_addr];
    end else begin : g_bad_style
      $error("weight_mem: STYLE must be 0 (AUTO), 1 (REGISTERS), 2 (LUTRAM) or 3 (BRAM)");
    end
    assign out_data[p*ROW_W +: ROW_W] = q;
  end
endmodule
