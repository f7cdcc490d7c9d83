"""Checks an executed notebook: every code cell ran, none ended in an error, and every cell tagged
"picture" shows at least one PNG ("pictures:N": at least N).

    python3 notebooks/check-outputs.py executed.ipynb
"""
import json
import sys

if len(sys.argv) != 2:
    sys.exit("usage: check-outputs.py EXECUTED.ipynb")
notebook = json.load(open(sys.argv[1], encoding="utf-8"))
problems = []
pictures = 0
for number, cell in enumerate(notebook["cells"], start=1):
    if cell["cell_type"] != "code":
        continue
    outputs = cell.get("outputs", [])
    if cell.get("execution_count") is None:
        problems.append(f"cell {number} did not run")
    for output in outputs:
        if output["output_type"] == "error":
            problems.append(f"cell {number}: {output['ename']}: {output['evalue'].splitlines()[0] if output['evalue'] else ''}")
        if output["output_type"] == "stream" and output.get("name") == "stderr" and "Error" in "".join(output.get("text", "")):
            problems.append(f"cell {number} wrote an error to stderr: {''.join(output['text']).strip().splitlines()[0]}")
    images = sum(1 for o in outputs if "image/png" in o.get("data", {}))
    pictures += images
    tags = cell.get("metadata", {}).get("tags", [])
    wanted = max([1 if "picture" in tags else 0] + [int(t.split(":")[1]) for t in tags if t.startswith("pictures:")])
    if images < wanted:
        problems.append(f"cell {number} should show {wanted} picture(s) and shows {images}")
for problem in problems:
    print(f"notebook: {problem}")
print(f"notebook: {pictures} pictures, {len(problems)} problems")
sys.exit(1 if problems else 0)
