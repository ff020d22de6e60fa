// fold_param_mem: the per-channel parameter memory of a unit that serves CH channels on PE lanes
// (int_requant, threshold): NF = CH / PE words of PE lanes' parameters, and the fold counter that
// picks the word of the beat being accepted. Written through wr_* before the run; a write restarts
// the fold counter (write between vectors, never in the middle of one). Read asynchronously at
// the fold register, so that the word of a beat is there in the cycle the beat is taken.
module fold_param_mem #(
    parameter int W  = 8,  // PE lanes x one channel's parameter bits
    parameter int NF = 1,  // words: the folds
    localparam int BAW = NF > 1 ? $clog2(NF) : 1
) (
    input  logic           clk,
    input  logic           rst_n,
    input  logic           fire,     // a beat is accepted: the next beat is the next fold
    input  logic           wr_en,
    input  logic [BAW-1:0] wr_addr,
    input  logic [  W-1:0] wr_data,
    output logic [  W-1:0] word      // the parameters of the fold of the beat on the input
);
  logic [W-1:0] mem[NF];
  logic [BAW-1:0] f;
  always_ff @(posedge clk) if (wr_en) mem[wr_addr] <= wr_data;
  assign word = mem[f];
  always_ff @(posedge clk) begin
    if (!rst_n || wr_en) f <= '0;
    else if (fire) f <= f == BAW'(NF - 1) ? '0 : f + 1'b1;
  end
endmodule
