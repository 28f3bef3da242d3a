#!/bin/bash
# A successive-halving search (npm run sweep -- --search asha) through Slurm, stage by stage: each
# stage's shards are one job array, a merge job closes the stage, and the next stage's array waits
# for that merge (afterok), because its runs are the ones the merged stage promotes. Everything is
# submitted at once; the last line printed is the id of the final merge job.
# From the root of a clone of the workbook, with `npm install` done:
#   examples/slurm/search.sh
#   # when the final merge job has finished (`squeue -j <id>` lists nothing):
#   #   results/search/stage-3.json holds the whole search (every stage's runs, rung by rung)
# Settings (environment variables): GRID (the grid file), SEARCH (the search flags; the same for
# every stage), SHARDS (array tasks per stage), OUT (the results folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
GRID="${GRID:-examples/grid.json}"
SEARCH="${SEARCH:---search asha --trials 27 --reduction 3 --rungs 3 --lr-range 0.001,1 --search-seed 1}"
SHARDS="${SHARDS:-4}"
OUT="${OUT:-results/search}"
if [ ! -f "$GRID" ]; then
  echo "search.sh: no grid file $GRID in $PWD" >&2
  exit 2
fi
rungs=$(sed -nE 's/.*--rungs[ =]([0-9]+).*/\1/p' <<<"$SEARCH")
rungs="${rungs:-3}"
# Check the flags once, here, before anything is queued (exit 2 names a bad one).
npm run -s sweep -- --grid "$GRID" $SEARCH --print-grid >/dev/null
mkdir -p "$OUT"
export GRID SEARCH OUT
after=""
for stage in $(seq 1 "$rungs"); do
  array=$(sbatch --parsable ${after:+--dependency=afterok:$after} --array=1-"$SHARDS" --export=ALL,STAGE="$stage" examples/slurm/search-stage.sbatch)
  after=$(sbatch --parsable --dependency=afterok:"${array%%;*}" --export=ALL,STAGE="$stage" examples/slurm/search-merge.sbatch)
  echo "stage $stage: array ${array%%;*}, merge $after" >&2
done
echo "$after"
