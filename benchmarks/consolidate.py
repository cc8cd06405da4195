"""Driver of benchmarks/consolidate.sh: times juesuan consolidate against DuckDB on the same cells files.

juesuan is timed as a whole process (start, read, screen every unit, write the dataset); DuckDB as its query alone,
inside this already-running Python. Runs are interleaved; medians are reported.
"""
import csv, decimal, glob, os, shutil, statistics, subprocess, sys, tempfile, time

import duckdb

juesuan, data, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
tables = os.path.join(data, "tables")
files = sorted(glob.glob(os.path.join(tables, "*.csv")))
columns = {"单位": "VARCHAR", "年度": "INTEGER", "表": "VARCHAR", "行": "VARCHAR"}
columns.update({str(i): "DECIMAL(18,2)" for i in range(1, 13)})
sums = ", ".join(f'sum("{i}") AS "{i}"' for i in range(1, 13))
query = f"SELECT 表, 行, {sums} FROM read_csv({files!r}, header=true, columns={columns!r}) GROUP BY 表, 行"

for path in files:  # warm the page cache for both
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass

work = tempfile.mkdtemp(prefix="juesuan-consolidate-")
ours, theirs, peaks, duck_rows = [], [], [], None
for run in range(runs):
    out = os.path.join(work, f"out{run}")
    cells = os.path.join(work, f"total{run}.csv")
    start = time.perf_counter()
    # Peak memory is taken from the first run only: a child spawned later, after DuckDB has grown this
    # Python process, inherits the parent's high-water mark through vfork and would report it as its own.
    view_path, error_path = os.path.join(work, "view.txt"), os.path.join(work, "error.txt")
    actions = [(os.POSIX_SPAWN_OPEN, 1, view_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               (os.POSIX_SPAWN_OPEN, 2, error_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    pid = os.posix_spawn(juesuan, [juesuan, "consolidate", tables, "--out", out, "--cells", cells], os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    ours.append(time.perf_counter() - start)
    peaks.append(usage.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"juesuan consolidate failed ({code}): {open(error_path, encoding='utf-8').read()}")
    view = open(view_path, encoding="utf-8").read()
    start = time.perf_counter()
    connection = duckdb.connect()
    duck_rows = connection.execute(query).fetchall()
    connection.close()
    theirs.append(time.perf_counter() - start)
peak_kib = peaks[0]

# Both totals must agree cell by cell (juesuan's in 元 with two decimals, as DuckDB's DECIMAL): the nine
# tables and the figures (表 F); the performance row (表 P) is a weighted score, not a sum.
ours_cells = {}
with open(cells, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["表"] == "P":
            continue
        for i in range(1, 13):
            if row[str(i)]:
                ours_cells[(row["表"], row["行"], i)] = decimal.Decimal(row[str(i)])
duck_cells = {}
for row in duck_rows:
    if row[0] == "P":
        continue
    for i in range(1, 13):
        if row[1 + i] is not None:
            duck_cells[(row[0], row[1], i)] = decimal.Decimal(row[1 + i])
agree = ours_cells == duck_cells

print(view.splitlines()[0])
print(f"runs={runs} juesuan_all={' '.join(f'{t:.2f}' for t in ours)} duckdb_all={' '.join(f'{t:.2f}' for t in theirs)}")
j, d = statistics.median(ours), statistics.median(theirs)
print(f"juesuan_seconds={j:.3f}")
print(f"duckdb_seconds={d:.3f}")
print(f"ratio={j / d:.2f}")
print(f"juesuan_peak_mib={peak_kib / 1024:.0f}")
print(f"totals_agree={'yes' if agree else 'NO'} ({len(ours_cells)} cells)")

# Ledger to tables: derive the first ledger files (read, check, derive, write cells), postings per second.
ledgers = sorted(glob.glob(os.path.join(data, "ledger", "*.csv")))[:4]
start = time.perf_counter()
derived = subprocess.run([juesuan, "derive", *ledgers, "--cells", os.path.join(work, "derived.csv")], capture_output=True, text=True, check=True)
seconds = time.perf_counter() - start
postings = int(derived.stdout.split("由 ")[1].split(" 条")[0])
print(f"ledger_postings={postings} ledger_seconds={seconds:.2f} ledger_postings_per_second={postings / seconds:.0f}")
shutil.rmtree(work)
