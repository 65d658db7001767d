"""The README's "Hand-trace exercises, a variant per student" shows real output: its commands, run here on its
answer file and on the class it describes, print exactly what it shows."""
import pathlib

from chainrule.cli.main import main
from chainrule.exercise import make_variant
from exercise_learner import answer_text, hand_trace

README = pathlib.Path(__file__).parents[2] / "README.md"


def section():
    text = README.read_text(encoding="utf-8")
    start = text.index("### Hand-trace exercises, a variant per student")
    return text[start:text.index("\n## ", start)]


def block_after(marker):
    """The text of the code block that starts with the line ``marker`` (or right after a line with it)."""
    text = section()
    start = text.index(marker)
    start = text.index("```\n", start) + 4 if not text[start:].startswith("$") else start
    return text[start:text.index("```", start)]


def run(capsys, *args):
    main(list(args))
    return capsys.readouterr().out


def write_class(folder, ada_answers):
    """The README's class: Ada's file as shown, and four learners traced by hand with their slips."""
    folder.mkdir()
    (folder / "ada_lovelace.txt").write_text(ada_answers, encoding="utf-8")
    slips = {"Bo Chen": {}, "Chidi Okafor": {"dL/da2": lambda right: -right["dL/da2"]},
             "Dana Müller": {"delta2": lambda right: right["dL/da2"]},
             "Fatima Zahra": {}}
    for name, mistakes in slips.items():
        variant = make_variant(name, "ml101")
        right = hand_trace(variant, write_slopes=False)
        values = hand_trace(variant, {k: (lambda _, f=f: f(right)) for k, f in mistakes.items()}, write_slopes=False)
        drop = ("new_prediction", "new_loss") + (("W2_new", "b2_new", "W1_new", "b1_new") if name == "Fatima Zahra" else ())
        for key in drop:
            del values[key]
        file = name.lower().replace(" ", "_").replace("ü", "u") + ".txt"
        (folder / file).write_text(answer_text(values, student=name), encoding="utf-8")
    emile = hand_trace(make_variant("Emile Nakamura", "ml101"), write_slopes=False)
    lines = answer_text({k: emile[k] for k in ("z1", "a1", "z2", "a2")}, student="Emile Nakamura").splitlines()
    lines[2] = "a1 = " + " ".join(f"{v:.4f}".replace(".", ",") for v in emile["a1"])
    (folder / "emile_nakamura.txt").write_text("\n".join(lines + ["dL/da2 = 2 * (0.5 - 0)"]) + "\n")


def test_the_trace_shown_is_the_commands_output(capsys):
    shown = block_after("$ chainrule exercise trace --student")
    out = run(capsys, "exercise", "trace", "--student", "Ada Lovelace", "--course", "ml101").splitlines()
    lines = [line for line in shown.splitlines()[1:] if line != "..."]
    assert len(lines) > 20 and all(line in out for line in lines)


def test_the_marking_shown_is_the_commands_output(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    answers = block_after("and adds the update to W2 instead of subtracting it:")
    pathlib.Path("answers.txt").write_text(answers, encoding="utf-8")
    shown = block_after("$ chainrule exercise mark answers.txt --course ml101")
    assert run(capsys, "exercise", "mark", "answers.txt", "--course", "ml101") == shown.split("\n", 1)[1]


def test_the_class_shown_is_the_commands_output(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_class(tmp_path / "answers", block_after("and adds the update to W2 instead of subtracting it:"))
    shown = block_after("$ chainrule exercise mark answers/ --course ml101 --csv marks.csv --json marks.json")
    out = run(capsys, "exercise", "mark", "answers/", "--course", "ml101", "--csv", "marks.csv", "--json", "marks.json")
    printed, head = shown.split("\n", 1)[1].split("\n$ head -3 marks.csv\n")
    assert out == printed
    assert "".join(pathlib.Path("marks.csv").read_text().splitlines(keepends=True)[:3]) == head
    text = section()
    code_start = text.index("```python\n", text.index("In a notebook:")) + len("```python\n")
    code_end = text.index("```", code_start)
    output_start = text.index("```\n", code_end + 3) + 4
    code, shown_output = text[code_start:code_end], text[output_start:text.index("```", output_start)]
    pathlib.Path("answers.txt").write_text(block_after("and adds the update to W2 instead of subtracting it:"))
    exec(compile(code, "README", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out == shown_output
