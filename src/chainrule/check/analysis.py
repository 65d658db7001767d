"""Judge what the worker recorded: every number the learner's code produced is put beside
chainrule's on the same weights, and beside central differences of the learner's own loss.
A mismatch is then explained by the numbers: a constant ratio, one of the mistake models
(``models.py``), an exception and the line it came from, an update rule, an order of examples.
"""
import numpy as np

from ..core.losses import mse_value
from ..core.network import Network, guide_initial_weights
from ..errors import ChainruleError
from .models import MISTAKES, model_gradients
from .result import FAIL, PASS, SKIP, WARN, Check, CheckResult, Diagnosis, Failure

GRADCHECK_RTOL, GRADCHECK_ATOL = 1e-5, 1e-7     # central differences are good to ~1e-10 here
EXACT_RTOL, EXACT_ATOL = 1e-7, 1e-10            # same math, another order of operations
GUIDE_CASES = {(0, 0): "the guide's backward() test", (2, 0): "the guide's Exercise 2.2"}


# --- small helpers ---

def decode(encoded):
    """An encoded value back to an array or a list of arrays; None for anything else."""
    if not isinstance(encoded, dict):
        return None
    if "list" in encoded:
        items = [decode(item) for item in encoded["list"]]
        return None if any(item is None for item in items) else items
    if "array" in encoded:
        return np.array(encoded["array"], dtype=np.float64).reshape(encoded["shape"])
    return None


def as_layers(value):
    """A list of arrays, or None (a lone array stands for a one-layer list)."""
    if isinstance(value, list):
        return value
    if isinstance(value, np.ndarray) and value.dtype != object:
        return [value]
    return None


def same_shapes(mine, ref):
    return mine is not None and len(mine) == len(ref) and all(np.shape(m) == np.shape(r) for m, r in zip(mine, ref))


def close(mine, ref, rtol, atol):
    return same_shapes(mine, ref) and all(np.allclose(m, r, rtol=rtol, atol=atol) for m, r in zip(mine, ref))


def max_abs_diff(mine, ref):
    if not same_shapes(mine, ref):
        return float("inf")
    return max((float(np.max(np.abs(m - r))) for m, r in zip(mine, ref) if np.size(r)), default=0.0)


def constant_ratio(mine, ref):
    """c when mine == c * ref for every element (to 1e-6), else None."""
    if not same_shapes(mine, ref):
        return None
    m = np.concatenate([np.ravel(a) for a in mine])
    r = np.concatenate([np.ravel(a) for a in ref])
    big = np.abs(r) > 1e-12
    if not big.any() or not np.allclose(m[~big], 0, atol=1e-12):
        return None
    ratios = m[big] / r[big]
    c = float(np.median(ratios))
    return c if np.allclose(ratios, c, rtol=1e-6, atol=0) else None


def fmt_list(values, digits=4):
    return "[" + ", ".join(f"{v:.{digits}g}" for v in np.ravel(values)) + "]"


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def fmt_ratio(c):
    return f"{c:.6f}"


def near_integer(c, n):
    return c is not None and abs(c - n) < 1e-6 * max(1, n)


def param_rows(columns, limit=14):
    """Side-by-side rows (label, v1, v2, ...) from per-column lists of (weights, biases) arrays;
    at most ``limit`` rows, spread over the layers."""
    first = columns[0]
    n_layers = len(first[0])
    per_layer = max(2, limit // max(1, n_layers))
    rows = []
    for layer in range(n_layers):
        for name, group in (("W", 0), ("b", 1)):
            shape = np.shape(first[group][layer])
            indices = list(np.ndindex(shape))[: (per_layer - 1 if name == "W" else 1)]
            for index in indices:
                label = f"Layer {layer + 1} {name}[{','.join(map(str, index))}]"
                values = []
                for column in columns:
                    array = column[group][layer] if column is not None else None
                    try:
                        values.append(float(array[index]))
                    except (TypeError, IndexError, ValueError):
                        values.append(None)
                rows.append((label, *values))
    return rows


class Analysis:
    def __init__(self, spec, outcome, display_path):
        self.spec = spec
        self.outcome = outcome
        self.records = {}
        for record in outcome.records:
            if record.get("probe") not in ("started", "finished"):
                self.records[(record["probe"], record.get("index", 0))] = record
        self.result = CheckResult(path=display_path, class_name=None, printed=outcome.printed)
        self.evidence = {}            # diagnosis key -> evidence, in the order found
        self.failures = {}            # check name -> first Failure
        self.forward_ok = {}          # case index -> bool
        self.backward_right = {}      # case index -> bool (vs chainrule)
        self.update_rule_words = ""   # what one step showed of the update rule, for the summary

    # --- bookkeeping ---

    def diagnose(self, key, evidence):
        self.evidence.setdefault(key, evidence)

    def fail(self, check, failure):
        self.failures.setdefault(check, failure)

    def add(self, name, status, summary):
        self.result.checks.append(Check(name, status, summary))

    def arch(self, k):
        return self.spec["archs"][k]

    def arch_label(self, k):
        a = self.arch(k)
        return f"{a['sizes']} network (seed {a['seed']})"

    def case_label(self, index):
        case = self.spec["cases"][index]
        label = self.arch_label(case["arch"])
        if case["kind"] == "batch":
            return f"{label}, a batch of {len(case['x'])} examples (one per row)"
        label += f", x = {case['x']}, target = {case['target']}"
        same_arch = [i for i, c in enumerate(self.spec["cases"]) if c["arch"] == case["arch"]]
        guide = GUIDE_CASES.get((case["arch"], same_arch.index(index)))
        return label + (f" ({guide})" if guide else "")

    def reference(self, k, weights, biases):
        """A chainrule Network with the learner's weights, or None if they do not fit its shapes."""
        arch = self.arch(k)
        net = Network(arch["sizes"], seed=arch["seed"])
        weights, biases = as_layers(weights), as_layers(biases)
        if weights is None or biases is None:
            return None
        try:
            biases = [np.reshape(b, ref.shape) if np.size(b) == ref.size else b
                      for b, ref in zip(biases, net.biases)]
            net.set_weights((weights, biases))
        except (ChainruleError, ValueError):
            return None
        return net

    def exception_text(self, record):
        if "error" not in record:
            return self.problem(record) or "no error"
        error = record["error"]
        where = f" at line {error['line']} ({error['function']}): {error['source']}" if "line" in error else ""
        return f"{error['type']}: {error['message']}{where}"

    def problem(self, record):
        """A one-line account of an exception or a time-out in a record, or None."""
        if "timeout" in record:
            return f"did not finish within {record['timeout']:g} s (stopped while in {record.get('stage', 'it')})"
        if "error" in record:
            return self.exception_text(record)
        return None

    # --- the run as a whole ---

    def run(self):
        if not self.check_load():
            self.finish()
            return self.result
        self.check_init()
        self.check_loss()
        self.check_forward()
        self.check_backward()
        self.check_batches()
        self.check_steps()
        self.check_runs()
        self.check_epochs()
        self.check_ended_early()
        hung = [r for r in self.records.values() if "timeout" in r]
        if hung:
            record = hung[0]
            where = (f"{record['probe']} #{record.get('index', 0)}" if record["probe"] != "case"
                     else self.case_label(record.get("index", 0)))
            self.diagnose("hangs", f"{where}: {self.problem(record)}")
            self.result.notes.append("your code hung, so the checks after that point were not run")
        self.finish()
        return self.result

    def finish(self):
        order = [c.name for c in self.result.checks]
        for name in order:
            if name in self.failures and self.result.check_named(name).status == FAIL:
                self.result.first_failure = self.failures[name]
                break
        self.result.diagnoses = [Diagnosis(key, evidence) for key, evidence in self.evidence.items()]

    def check_load(self):
        record = self.records.get(("load", 0))
        if record is None:
            if self.outcome.timed_out:
                self.add("load", FAIL, "the check ran out of time before your file was loaded")
                self.diagnose("hangs", "loading your file took longer than the whole check's time limit")
            else:
                self.add("load", FAIL, "the checking process ended before your file was loaded")
            self.fail("load", Failure("load", "loading your file", message=self.outcome.stderr_tail.strip()[-1500:]))
            return False
        skipped = record.get("skipped") or []
        if skipped:
            ranges = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in skipped)
            self.result.notes.append(f"ran your file's imports, functions, classes and constants; skipped the "
                                     f"script statements at line(s) {ranges} (--whole-file runs everything)")
        problem = self.problem(record)
        if problem:
            self.add("load", FAIL, "your file could not be loaded")
            hint = ""
            if record.get("error", {}).get("type") == "NameError" and skipped:
                hint = ("\nThe name may be defined by a script statement chainrule skipped: define it above the "
                        "class, or run with --whole-file.")
            self.fail("load", Failure("load", "importing your file", message=problem + hint))
            if "timeout" in record:
                self.diagnose("hangs", f"importing your file: {problem}")
            return False
        if not record.get("class_name"):
            raise NoNetworkClass(record.get("classes", []), record.get("candidates", []))
        self.result.class_name = record["class_name"]
        others = [c for c in record.get("candidates", []) if c != record["class_name"]]
        if others:
            self.result.notes.append(f"other classes with forward() and backward(): {', '.join(others)} "
                                     f"(--class NAME picks one)")
        self.own_loss = record.get("own_loss", False)
        self.loss_words = "your mse_loss" if self.own_loss else "the guide's mse_loss (your file has none)"
        has = [name for name, present in (("train_step", record.get("train_step")),
                                          ("train_epoch", record.get("train_epoch"))) if present]
        if record.get("train_epoch") == "function":
            self.result.notes.append("train_epoch is a function of the file (the guide's Section 3 helper), "
                                     "called as train_epoch(net, X, y, learning_rate, batch_size)")
        if not has:
            self.result.notes.append("no train_step or train_epoch: only forward() and backward() are checked")
        return True

    def check_ended_early(self):
        running = self.outcome.running
        if self.outcome.finished or running is None:
            return
        name = {"init": "initial weights", "loss": "mse_loss", "case": "backward", "step": "train_step",
                "run": "training run", "epochs": "train_epoch"}.get(running.get("name"), running.get("name"))
        if self.outcome.timed_out:
            what = "the whole check ran out of time and was stopped"
            self.diagnose("hangs", f"{name}: {what}")
        else:
            what = f"the process running your code ended (exit code {self.outcome.returncode})"
        tail = self.outcome.printed.strip().splitlines()[-3:]
        message = what + (" just after your code printed:\n" + "\n".join(f"| {t}" for t in tail) if tail else "")
        existing = self.result.check_named(name)
        if existing is None:
            self.add(name, FAIL, what)
        else:
            existing.status, existing.summary = FAIL, what
        where = f"probe {running.get('name')} #{running.get('index')}"
        if running.get("name") == "case":
            where = "forward()/backward() on " + self.case_label(running.get("index", 0))
        self.failures[name] = Failure(name, where, message=message)

    # --- initial weights ---

    def check_init(self):
        same, differ, errors, not_repeatable, shapes = [], [], [], [], []
        for k, arch in enumerate(self.spec["archs"]):
            record = self.records.get(("init", k))
            if record is None:
                continue
            problem = self.problem(record)
            if problem:
                errors.append(k)
                self.fail("initial weights", Failure("initial weights", f"Network({arch['sizes']}, seed={arch['seed']})",
                                                     message=problem))
                continue
            weights, biases = as_layers(decode(record["weights"])), as_layers(decode(record["biases"]))
            guide_w, guide_b = guide_initial_weights(arch["sizes"], np.random.RandomState(arch["seed"]))
            if not record.get("repeatable", True):
                not_repeatable.append(k)
            if weights is None or not same_shapes(weights, guide_w):
                shapes.append((k, [np.shape(w) for w in weights or []], [w.shape for w in guide_w]))
            elif close(weights, guide_w, 0, 1e-12) and close([np.ravel(b) for b in biases or []], guide_b, 0, 1e-12):
                same.append(k)
            else:
                differ.append((k, weights, guide_w))
        n = len(self.spec["archs"])
        if errors:
            error = self.records[("init", errors[0])].get("error", {})
            if error.get("type") == "LearnerAPIError":
                self.add("initial weights", FAIL, "your Network does not keep the guide's self.weights and "
                                                  "self.biases lists")
            else:
                self.add("initial weights", FAIL, f"Network(layer_sizes, seed) raised on {len(errors)} of {n} "
                                                  f"networks")
        elif shapes:
            k, mine, guide = shapes[0]
            self.add("initial weights", FAIL, f"weights of {self.arch_label(k)} have shapes {mine}; the guide's are "
                                              f"{guide} (n_out, n_in), with z = W @ a + b")
            self.fail("initial weights", Failure("initial weights", self.arch_label(k),
                                                 message=f"your weight shapes {mine}, the guide's {guide}"))
        elif not_repeatable:
            self.add("initial weights", WARN, f"two Network(..., seed) with the same seed differ "
                                              f"({len(not_repeatable)} of {n} networks)")
            self.diagnose("not_reproducible", f"Network({self.arch(not_repeatable[0])['sizes']}, seed="
                                              f"{self.arch(not_repeatable[0])['seed']}) built twice gave different weights")
        elif differ:
            k, mine, guide = differ[0]
            c = constant_ratio(mine, guide)
            scale = f" (yours = the guide's x {c:.6g} everywhere)" if c is not None else ""
            self.add("initial weights", WARN, f"differ from the guide's on {len(differ)} of {n} networks{scale}; "
                                              f"the rest of the check uses your weights")
            self.diagnose("different_init", f"{self.arch_label(k)}: your W1[0] = {fmt_list(mine[0][0])}, the "
                                            f"guide's {fmt_list(guide[0][0])}{scale}")
        else:
            self.add("initial weights", PASS, f"the guide's on all {len(same)} networks: np.random.seed(seed), "
                                              f"randn(n_out, n_in) * sqrt(2/n_in), zero biases")

    # --- the loss ---

    def check_loss(self):
        record = self.records.get(("loss", 0))
        if not self.own_loss:
            return
        if record is None:
            self.add("mse_loss", SKIP, "not run")
            return
        problem = self.problem(record)
        if problem:
            self.add("mse_loss", FAIL, problem)
            self.fail("mse_loss", Failure("mse_loss", "mse_loss(predictions, targets)", message=problem))
            return
        pairs = self.spec["loss_pairs"]
        expected = [float(mse_value(np.array(p), np.array(t))) for p, t in pairs]
        mine = record["values"]
        if np.allclose(mine, expected, rtol=1e-9, atol=1e-12):
            self.add("mse_loss", PASS, f"the guide's mean((p - t)**2) on {len(pairs)} inputs")
            return
        ratios = ", ".join(f"{m / e:.4g}" for m, e in zip(mine, expected))
        self.add("mse_loss", WARN, f"differs from mean((p - t)**2): yours/guide's = {ratios}; gradients are "
                                   f"checked against finite differences of YOUR loss")
        self.diagnose("loss_not_mean", f"mse_loss({pairs[0][0]}, {pairs[0][1]}) = {mine[0]:.6g}; the guide's "
                                       f"{expected[0]:.6g}")

    # --- forward ---

    def single_cases(self):
        return [i for i, c in enumerate(self.spec["cases"]) if c["kind"] == "single"]

    def batch_cases(self):
        return [i for i, c in enumerate(self.spec["cases"]) if c["kind"] == "batch"]

    def case_reference(self, index):
        """(record, reference net after forward, reader output) for a case; None pieces when absent."""
        case = self.spec["cases"][index]
        record = self.records.get(("case", index))
        if record is None:
            return None, None, None
        net = self.reference(case["arch"], decode(record.get("weights")), decode(record.get("biases")))
        output = decode(record.get("output"))
        if net is not None:
            net.forward(np.array(case["x"]))
        return record, net, output

    def check_forward(self):
        right, wrong, raised, ran = [], [], [], 0
        for index in self.single_cases():
            record, net, output = self.case_reference(index)
            if record is None:
                continue
            ran += 1
            if output is None:
                problem = self.problem(record) or f"forward() returned {record.get('output')}"
                raised.append(index)
                self.fail("forward", Failure("forward", self.case_label(index), message=problem))
                continue
            if net is None:
                continue
            expected = net.activations[-1]
            if np.shape(output) == expected.shape and np.allclose(output, expected, rtol=EXACT_RTOL, atol=EXACT_ATOL):
                right.append(index)
                self.forward_ok[index] = True
            else:
                wrong.append(index)
                self.forward_ok[index] = False
                rows = [(f"output[{i}]", float(np.ravel(output)[i]) if i < np.size(output) else None, float(e))
                        for i, e in enumerate(np.ravel(expected))]
                self.fail("forward", Failure("forward", self.case_label(index), ("yours", "chainrule"), rows,
                                             message=f"output shape {np.shape(output)}, chainrule's {expected.shape}"
                                             if np.shape(output) != expected.shape else ""))
        if not ran:
            self.add("forward", SKIP, "not run")
        elif raised or wrong:
            self.add("forward", FAIL, f"right on {len(right)} of {ran} single examples; "
                                      f"{'raised' if raised else 'wrong'} on {self.arch_list(raised or wrong)}")
        else:
            diff = max(max_abs_diff([self.case_reference(i)[2]], [self.case_reference(i)[1].activations[-1]])
                       for i in right)
            self.add("forward", PASS, f"matches chainrule on {plural(len(right), 'single example')}, "
                                      f"{self.n_archs(right)} (max |diff| {diff:.1e})")

    def n_archs(self, indices):
        return plural(len({self.spec["cases"][i]["arch"] for i in indices}), "network")

    def arch_list(self, indices):
        archs = []
        for index in indices:
            sizes = self.arch(self.spec["cases"][index]["arch"])["sizes"]
            if sizes not in archs:
                archs.append(sizes)
        return ", ".join(str(a) for a in archs)

    # --- backward ---

    def grads_of(self, record, prefix=""):
        weights = as_layers(decode(record.get(prefix + "weight_grads")))
        biases = as_layers(decode(record.get(prefix + "bias_grads")))
        return (weights, biases) if weights is not None and biases is not None else None

    def check_backward(self):
        tolerance = f"|diff| < {GRADCHECK_ATOL:g} + {GRADCHECK_RTOL:g}*|numerical|"
        vs_chainrule, vs_numerical, raised, ran = [], [], [], 0
        table = gc_table = None
        no_numerical = []
        own_only = []     # examples where forward() differs from chainrule: only finite differences judge them
        for index in self.single_cases():
            record, net, output = self.case_reference(index)
            if record is None or output is None:
                continue
            if not self.forward_ok.get(index):
                grads, numerical = self.grads_of(record), self.grads_of(record, "numerical_")
                if grads is not None and numerical is not None:
                    own_only.append(index)
                    mine = list(grads[0]) + [np.ravel(g) for g in grads[1]]
                    num_flat = list(numerical[0]) + [np.ravel(b) for b in numerical[1]]
                    if close(mine, num_flat, GRADCHECK_RTOL, GRADCHECK_ATOL):
                        vs_numerical.append(index)
                    elif gc_table is None and same_shapes(mine, num_flat):
                        gc_table = self.gradient_check_table(index, mine, num_flat, len(grads[0]), tolerance)
                continue
            ran += 1
            grads = self.grads_of(record)
            if grads is None:
                raised.append(index)
                problem = self.problem(record) or (f"backward() returned {record.get('weight_grads')}, "
                                                   f"{record.get('bias_grads')}")
                self.fail("backward", Failure("backward", self.case_label(index), message=problem))
                continue
            target = np.array(self.spec["cases"][index]["target"])
            ref_w, ref_b = net.backward(target)
            numerical = self.grads_of(record, "numerical_")
            mine = [np.asarray(g) for g in grads[0]] + [np.ravel(g) if np.size(g) == np.size(r) else g
                                                         for g, r in zip(grads[1], ref_b)]
            ref = list(ref_w) + list(ref_b)
            right = close(mine, ref, EXACT_RTOL, EXACT_ATOL)
            self.backward_right[index] = right
            if right:
                vs_chainrule.append(index)
            num_flat = None
            if numerical is not None:
                num_flat = list(numerical[0]) + [np.ravel(b) for b in numerical[1]]
                if close(mine, num_flat, GRADCHECK_RTOL, GRADCHECK_ATOL):
                    vs_numerical.append(index)
                elif gc_table is None and same_shapes(mine, num_flat):
                    gc_table = self.gradient_check_table(index, mine, num_flat, len(ref_w), tolerance)
            else:
                no_numerical.append((index, self.problem(record)))
            if not right and table is None:
                n_layers = len(ref_w)
                columns = [(mine[:n_layers], mine[n_layers:]) if same_shapes(mine, ref) else None,
                           (num_flat[:n_layers], num_flat[n_layers:]) if num_flat is not None else None,
                           (ref[:n_layers], ref[n_layers:])]
                if columns[0] is None:
                    shapes = [np.shape(g) for g in mine]
                    message = (f"your gradients have shapes {shapes}; the parameters' are "
                               f"{[r.shape for r in ref]}")
                    rows = []
                else:
                    message = ""
                    rows = [(*row, (row[1] / row[3]) if row[1] is not None and row[3] else None)
                            for row in param_rows([columns[0], columns[1] or columns[2], columns[2]])]
                table = Failure("backward", self.case_label(index),
                                ("yours", "finite diff.", "chainrule", "yours/chainrule"), rows, message)
                self.fail("backward", table)
        if not ran:
            self.add("backward", SKIP, "forward() differs from chainrule, so only the gradient check of your "
                                       "own loss judges backward()" if own_only else "not run")
            if own_only:
                n_num = len(vs_numerical)
                self.add("gradient check", PASS if n_num == len(own_only) else FAIL,
                         f"central differences of {self.loss_words} agree on {n_num} of {len(own_only)} "
                         f"single examples")
                if gc_table is not None:
                    self.fail("gradient check", gc_table)
            else:
                self.add("gradient check", SKIP, "not run")
            return
        wrong = [i for i in self.single_cases() if i in self.backward_right and not self.backward_right[i]] + raised
        if wrong:
            self.add("backward", FAIL, f"matches chainrule on {len(vs_chainrule)} of {ran} single examples"
                                       + (f" ({self.arch_list(vs_chainrule)})" if vs_chainrule else "")
                                       + f"; {self.failed_how(raised, wrong)} on "
                                       + self.arch_list(sorted(wrong)))
        else:
            self.add("backward", PASS, f"matches chainrule on all {plural(ran, 'single example')}, "
                                       f"{self.n_archs(vs_chainrule)}")
        n_num = len(vs_numerical)
        available = len(self.backward_right) - len(no_numerical) + len(own_only)
        if available == 0:
            why = f": {no_numerical[0][1]}" if no_numerical and no_numerical[0][1] else ""
            self.add("gradient check", SKIP if not raised else FAIL,
                     f"no finite differences of {self.loss_words}{why}")
        else:
            status = PASS if n_num == available and not raised else FAIL
            self.add("gradient check", status, f"central differences of {self.loss_words} agree on {n_num} of "
                                               f"{available + len(raised)} single examples")
        if gc_table is not None:
            self.fail("gradient check", gc_table)
        hung = [i for i in raised if "timeout" in self.records[("case", i)]]
        if wrong and not hung:
            self.explain_backward(raised)

    def cause(self, k):
        """"forward" or "backward" when a training result on network k follows from that being wrong there."""
        if any(not ok for i, ok in self.forward_ok.items() if self.spec["cases"][i]["arch"] == k):
            return "forward"
        if any(not right for i, right in self.backward_right.items() if self.spec["cases"][i]["arch"] == k):
            return "backward"
        return None

    def inherits(self, k):
        return {"forward": ", as forward() differs from chainrule's there",
                "backward": ", as backward's gradients are wrong there"}.get(self.cause(k), "")

    def gradient_check_table(self, index, mine, numerical, n_layers, tolerance):
        rows = [(*row, row[1] - row[2] if None not in row[1:] else None)
                for row in param_rows([(mine[:n_layers], mine[n_layers:]),
                                       (numerical[:n_layers], numerical[n_layers:])])]
        return Failure("gradient check", self.case_label(index), ("yours", "finite diff.", "difference"), rows,
                       f"the check: {tolerance}")

    def failed_how(self, raised, wrong):
        if any("timeout" in self.records[("case", i)] for i in raised):
            return "did not finish"
        return "raised" if raised and len(raised) == len(wrong) else "wrong"

    def explain_backward(self, raised):
        cases = [i for i in self.single_cases() if i in self.backward_right or i in raised]
        # forward() saving nothing: backward() cannot find what it needs
        for index in raised:
            record = self.records[("case", index)]
            error = record.get("error", {})
            new = sorted(set(record.get("attributes_after", [])) - set(record.get("attributes_before", [])))
            if error.get("type") in ("AttributeError", "NameError", "KeyError", "TypeError") \
                    and record.get("stage") == "backward" and not new:
                self.diagnose("forward_not_saving",
                              f"backward() raised {self.exception_text(record)}; after forward(x) your Network "
                              f"has no new attributes (it has only: {', '.join(record.get('attributes_after', []))})")
                return
        # forward() appending to lists it never empties: backward() indexes the first call's values
        for index in cases:
            record = self.records[("case", index)]
            first, second = record.get("lists_after_first_forward", {}), record.get("lists_after_second_forward", {})
            grew = [name for name in first if second.get(name, 0) > first[name]]
            if grew:
                name = grew[0]
                self.diagnose("stale_activations", f"self.{name} had {first[name]} entries after one forward() "
                                                   f"and {second[name]} after two: forward() appends to it "
                                                   f"without starting it afresh")
                return
        # stale activations: the gradients are those of the decoy input forward() saw first
        stale = 0
        for index in cases:
            if index in raised:
                continue
            record = self.records[("case", index)]
            case = self.spec["cases"][index]
            net = self.reference(case["arch"], decode(record["weights"]), decode(record["biases"]))
            net.forward(np.array(case["decoy"]))
            w, b = net.backward(np.array(case["target"]))
            mine = self.grads_of(record)
            if close(list(mine[0]) + [np.ravel(g) for g in mine[1]], list(w) + list(b), 1e-6, 1e-9):
                stale += 1
        if stale and stale == len([i for i in cases if i not in raised]):
            self.diagnose("stale_activations", f"on all {stale} examples your gradients are those of the input "
                                               f"given to the forward() call BEFORE the last one")
            return
        model = self.matching_model(cases, raised)
        if model is not None:
            mistake, mean, numeric, both_raise = model
            if not mean:
                self.diagnose("dropped_mean", self.dropped_mean_evidence(cases))
            if mistake.key:
                evidence = (f"your gradients equal, to 1e-9, those of the guide's backward() with this mistake"
                            f"{'' if mean else ' (and the 1/n dropped)'} on "
                            f"{'all ' if numeric > 1 else ''}{plural(numeric, 'example')} where it runs")
                if both_raise:
                    record = self.records[("case", both_raise[0])]
                    evidence += (f"; where it cannot run ({self.arch_list(both_raise)}) yours raises too: "
                                 f"{self.exception_text(record)}")
                if mistake.derivative_of == "z" and mistake.derivative_at in ("all", "output"):
                    evidence += self.output_derivative_ratio(next(i for i in cases if i not in raised))
                self.diagnose(mistake.key, evidence)
            return
        self.explain_by_layer(cases, raised)

    def output_derivative_ratio(self, index):
        """The output layer's ratio yours/chainrule, shown to be a'(z) / a'(a)."""
        record, net, _ = self.case_reference(index)
        w, b = net.backward(np.array(self.spec["cases"][index]["target"]))
        mine = np.ravel(self.grads_of(record)[1][-1])
        z, a = net.z_values[-1][0], net.activations[-1][0]
        if b[-1][0] == 0:
            return ""
        return (f". On {self.case_label(index)}, the output bias gradient is {mine[0] / b[-1][0]:.6f} x chainrule's"
                f" = z(1-z) / a(1-a) = {z * (1 - z):.6f} / {a * (1 - a):.6f}, with z = {z:.4f} and a = sigmoid(z)"
                f" = {a:.4f}")

    def matching_model(self, cases, raised):
        """The (mistake, mean) model that reproduces the learner's gradients on every example: equal
        numbers where it runs, an exception where the learner's code raised. None if no model does."""
        for mean in (True, False):
            for mistake in MISTAKES:
                if not mistake.key and mean:
                    continue
                numeric, both_raise, ok = 0, [], True
                for index in cases:
                    record = self.records[("case", index)]
                    case = self.spec["cases"][index]
                    weights = as_layers(decode(record["weights"]))
                    biases = [np.ravel(b) for b in as_layers(decode(record["biases"]))]
                    try:
                        model = model_gradients(weights, biases, np.array(case["x"]), np.array(case["target"]),
                                                mistake, mean)
                    except (ValueError, IndexError):
                        model = None
                    if index in raised:
                        if model is not None or record.get("stage") != "backward":
                            ok = False
                            break
                        both_raise.append(index)
                        continue
                    mine = self.grads_of(record)
                    if model is None or not close(list(mine[0]) + [np.ravel(g) for g in mine[1]],
                                                  list(model[0]) + list(model[1]), 1e-6, 1e-9):
                        ok = False
                        break
                    numeric += 1
                if ok and numeric:
                    return mistake, mean, numeric, both_raise
        return None

    def dropped_mean_evidence(self, cases):
        by_arch = {}
        for index in cases:
            if index not in self.backward_right:
                continue
            record, net, _ = self.case_reference(index)
            case = self.spec["cases"][index]
            w, b = net.backward(np.array(case["target"]))
            mine = self.grads_of(record)
            c = constant_ratio(list(mine[0]) + [np.ravel(g) for g in mine[1]], list(w) + list(b))
            by_arch.setdefault(case["arch"], c)
        parts, exact = [], []
        for k, c in by_arch.items():
            n_out = self.arch(k)["sizes"][-1]
            if n_out == 1:
                exact.append(str(self.arch(k)["sizes"]))
            elif c is not None:
                parts.append(f"{fmt_ratio(c)} on {self.arch(k)['sizes']} ({n_out} outputs)")
        text = "yours / chainrule = " + ", ".join(parts) + " for every weight and bias" if parts else \
            "your gradients are n times chainrule's where the network has n outputs"
        if exact:
            text += f"; exact on the 1-output networks {', '.join(exact)}"
        return text

    def explain_by_layer(self, cases, raised):
        reversed_ok = 0
        for index in cases:
            if index in raised or self.backward_right.get(index):
                continue
            record, net, _ = self.case_reference(index)
            w, b = net.backward(np.array(self.spec["cases"][index]["target"]))
            mine = self.grads_of(record)
            if close(list(mine[0][::-1]) + [np.ravel(g) for g in mine[1][::-1]], list(w) + list(b),
                     EXACT_RTOL, EXACT_ATOL):
                reversed_ok += 1
        if reversed_ok and reversed_ok == len([i for i in cases if i not in raised and not self.backward_right[i]]):
            self.diagnose("reversed_order", f"on {plural(reversed_ok, 'example')}, your lists read backwards "
                                            f"equal chainrule's gradients exactly")
            return
        for index in cases:
            if index in raised:
                record = self.records[("case", index)]
                self.diagnose_generic(f"backward() raised on {self.case_label(index)}: {self.exception_text(record)}")
                return
            if not self.backward_right[index]:
                record, net, _ = self.case_reference(index)
                w, b = net.backward(np.array(self.spec["cases"][index]["target"]))
                mine = self.grads_of(record)
                verdicts = []
                for layer in range(len(w)):
                    ok = close([mine[0][layer], np.ravel(mine[1][layer])], [w[layer], b[layer]], EXACT_RTOL, EXACT_ATOL)
                    verdicts.append(f"layer {layer + 1} {'right' if ok else 'wrong'}")
                c = constant_ratio(list(mine[0]) + [np.ravel(g) for g in mine[1]], list(w) + list(b))
                extra = f"; yours = {c:.6g} x chainrule's everywhere" if c is not None else ""
                self.diagnose_generic(f"on {self.case_label(index)}: {', '.join(verdicts)}{extra}. The first wrong "
                                      f"layer from the output is where to look")
                return

    def diagnose_generic(self, evidence):
        self.diagnose("backward_wrong", evidence)

    # --- batches ---

    def check_batches(self):
        right, wrong, unsupported = [], [], []
        table = None
        for index in self.batch_cases():
            record, net, output = self.case_reference(index)
            if record is None:
                continue
            case = self.spec["cases"][index]
            n, n_out = len(case["x"]), self.arch(case["arch"])["sizes"][-1]
            if output is None or np.shape(output) != (n, n_out):
                error = record.get("error", {})
                shape = f"({n}, {self.arch(case['arch'])['sizes'][0]})"
                unsupported.append((index, f"forward() of a {shape} batch raises {error.get('type')} at line "
                                           f"{error.get('line')}: {error.get('source')}" if output is None and
                                    "line" in error else
                                    f"forward() of a {shape} batch: " + (self.problem(record) or "") if output is None
                                    else f"forward() of a {shape} batch returned shape {np.shape(output)}"))
                continue
            if net is None or not np.allclose(output, net.activations[-1], rtol=EXACT_RTOL, atol=EXACT_ATOL):
                wrong.append(index)
                continue
            grads = self.grads_of(record)
            if grads is None:
                unsupported.append((index, "backward(): " + (self.problem(record) or "returned no gradients")))
                continue
            w, b = net.backward(np.array(case["target"]))
            mine = list(grads[0]) + [np.ravel(g) if np.size(g) == np.size(r) else g for g, r in zip(grads[1], b)]
            if close(mine, list(w) + list(b), EXACT_RTOL, EXACT_ATOL):
                right.append(index)
                continue
            wrong.append(index)
            c = constant_ratio(mine, list(w) + list(b))
            if c is not None:
                if near_integer(c, n_out) and n_out > 1:
                    self.diagnose("dropped_mean", f"on a batch of {n} examples of {self.arch(case['arch'])['sizes']}: "
                                                  f"yours / chainrule = {fmt_ratio(c)} = the {n_out} outputs")
                elif near_integer(c, n):
                    self.diagnose("batch_not_averaged", f"on a batch of {n} examples: yours / chainrule = "
                                                        f"{fmt_ratio(c)} = the batch size")
                elif near_integer(c, n * n_out):
                    self.diagnose("batch_not_averaged", f"on a batch of {n} examples with {n_out} outputs: yours / "
                                                        f"chainrule = {fmt_ratio(c)} = {n} x {n_out}")
                    self.diagnose("dropped_mean", f"the batch ratio {fmt_ratio(c)} includes the {n_out} outputs")
            if table is None:
                n_layers = len(w)
                rows = [(*row, (row[1] / row[2]) if row[1] is not None and row[2] else None)
                        for row in param_rows([(mine[:n_layers], mine[n_layers:]), (list(w), list(b))])] \
                    if same_shapes(mine, list(w) + list(b)) else []
                table = Failure("batches", self.case_label(index), ("yours", "chainrule", "yours/chainrule"), rows)
                self.fail("batches", table)
        if wrong:
            self.add("batches", FAIL, f"forward()/backward() on batches right on {len(right)} of "
                                      f"{len(right) + len(wrong)} networks; wrong on {self.arch_list(wrong)}")
        elif right:
            self.add("batches", PASS, f"forward() and backward() on a batch (one example per row) match chainrule "
                                      f"on {len(right)} networks")
        elif unsupported:
            self.add("batches", SKIP, f"takes one example at a time, like the guide: {unsupported[0][1]}")

    # --- one update ---

    def check_steps(self):
        name = None
        right, wrong = [], []
        for k in range(len(self.spec["steps"])):
            record = self.records.get(("step", k))
            if record is None:
                continue
            name = "train_step" if record.get("how", "train_step") == "train_step" else "one update"
            step = self.spec["steps"][k]
            problem = self.problem(record)
            if problem:
                wrong.append(k)
                self.fail(name, Failure(name, self.arch_label(step["arch"]), message=problem))
                continue
            before_w = as_layers(decode(record["weights_before"]))
            before_b = [np.ravel(b) for b in as_layers(decode(record["biases_before"]))]
            after_w = as_layers(decode(record["weights_after"]))
            after_b = [np.ravel(b) for b in as_layers(decode(record["biases_after"]))]
            own = self.grads_of(record, "own_")
            lr = step["learning_rate"]
            self.explain_update(step, before_w, before_b, after_w, after_b, own, lr)
            net = self.reference(step["arch"], before_w, before_b)
            if net is None:
                continue
            net.train_step(np.array(step["x"]), np.array(step["target"]), lr)
            if close(after_w + after_b, net.weights + net.biases, EXACT_RTOL, EXACT_ATOL):
                right.append(k)
            else:
                wrong.append(k)
                columns = [(after_w, after_b), (net.weights, net.biases)]
                rows = [(*row,) for row in param_rows(columns)] if same_shapes(after_w, net.weights) else []
                before_rows = param_rows([(before_w, before_b)]) if rows else []
                rows = [(label, b, *rest) for (label, b), (_, *rest) in zip(before_rows, rows)]
                how = ("train_step(x, target, learning_rate=0.5)" if name == "train_step" else
                       "train_epoch on this one example (batch_size=1, learning_rate=0.5)")
                self.fail(name, Failure(name, f"{self.arch_label(step['arch'])}, {how}, x = {step['x']}, "
                                              f"target = {step['target']}", ("before", "yours after", "chainrule after"),
                                        rows))
        if name is None:
            return
        n = len(right) + len(wrong)
        how = "" if name == "train_step" else " (train_epoch on one example: you have no train_step)"
        if wrong:
            rule = self.update_rule_words or self.inherits(self.spec["steps"][wrong[0]]["arch"])
            self.add(name, FAIL, f"weights after one step match chainrule on {len(right)} of {n} networks"
                                 f"{how}{rule}")
        else:
            self.add(name, PASS, f"weights after one step match chainrule on all {n} networks{how}")

    def explain_update(self, step, before_w, before_b, after_w, after_b, own, lr):
        """Read the update rule off one step: change / (-lr * your own gradient), weights and biases apart."""
        if own is None or not same_shapes(after_w, before_w) or not same_shapes(own[0], before_w):
            return
        change_w = [a - b for a, b in zip(after_w, before_w)]
        change_b = [a - b for a, b in zip(after_b, before_b)]
        own_b = [np.ravel(g) for g in own[1]]
        expected_w = [-lr * g for g in own[0]]
        expected_b = [-lr * g for g in own_b]
        c_w = constant_ratio(change_w, expected_w)
        label = self.arch_label(step["arch"])
        bias_moved = any(np.any(c != 0) for c in change_b)
        bias_grad = any(np.any(g != 0) for g in own_b)
        if bias_grad and not bias_moved:
            self.diagnose("biases_not_updated", f"after one step on {label} every bias is unchanged "
                                                f"(b[-1] stays {fmt_list(before_b[-1])}) although your db = "
                                                f"{fmt_list(own_b[-1])}")
            self.update_rule_words = "; the biases never move"
        if c_w is not None and near_integer(c_w, -1):
            self.diagnose("update_added", f"after one step on {label} with learning_rate {lr}, W changed by "
                                          f"+{lr} x your dW, not -{lr} x dW (change/(-lr*dW) = {fmt_ratio(c_w)})")
            self.update_rule_words = "; the update goes uphill (W + lr*dW)"
        elif c_w is not None and not near_integer(c_w, 1):
            self.diagnose("update_scaled", f"after one step on {label}, W changed by {fmt_ratio(c_w)} x "
                                           f"(-learning_rate x your dW)")
        elif c_w is not None and not self.update_rule_words and self.cause(step["arch"]):
            self.update_rule_words = ("; your update W - lr*dW is right: the difference comes from "
                                      + {"forward": "forward()", "backward": "backward's gradients"}[
                                          self.cause(step["arch"])])
        c_b = constant_ratio(change_b, expected_b) if bias_moved else None
        if c_b is not None and near_integer(c_b, -1) and not (c_w is not None and near_integer(c_w, -1)):
            self.diagnose("update_added", f"after one step on {label} with learning_rate {lr}, b changed by "
                                          f"+{lr} x your db (W by -{lr} x dW)")

    # --- a short training run ---

    def check_runs(self):
        lines, failed = [], False
        for k, run in enumerate(self.spec["runs"]):
            record = self.records.get(("run", k))
            if record is None:
                continue
            label = f"{self.arch_label(run['arch'])}, {len(run['X'])} examples, lr {run['learning_rate']}"
            problem = self.problem(record)
            if problem:
                failed = True
                self.fail("training run", Failure("training run", label, message=problem))
                continue
            before_w = as_layers(decode(record["weights_before"]))
            before_b = [np.ravel(b) for b in as_layers(decode(record["biases_before"]))]
            net = self.reference(run["arch"], before_w, before_b)
            if net is None:
                continue
            X, Y = np.array(run["X"]), np.array(run["Y"])
            reference = [[net.train_step(X[i], Y[i], run["learning_rate"]) for i in range(len(X))]
                         for _ in range(len(record["losses"]))]
            mine = np.array(record["losses"], dtype=float)
            ref = np.array(reference)
            first, last = float(np.mean(mine[0])), float(np.mean(mine[-1]))
            ref_first, ref_last = float(np.mean(ref[0])), float(np.mean(ref[-1]))
            passes = len(mine)
            if mine.shape == ref.shape and np.allclose(mine, ref, rtol=1e-6, atol=1e-10):
                lines.append(f"{self.arch(run['arch'])['sizes']}: mean loss {first:.4f} -> {last:.4f} over "
                             f"{passes} passes, as chainrule")
                continue
            failed = True
            lines.append(f"{self.arch(run['arch'])['sizes']}: {first:.4f} -> {last:.4f} "
                         f"(chainrule {ref_first:.4f} -> {ref_last:.4f}){self.inherits(run['arch'])}")
            backward_right = bool(self.backward_right) and all(self.backward_right.values())
            if np.isfinite(first) and (not np.isfinite(last) or last > first) and backward_right:
                self.diagnose("update_added", f"training {label}: the mean loss ROSE from {first:.4f} to "
                                              f"{last:.4f} in {passes} passes (chainrule: fell to {ref_last:.4f})")
            rows = [(f"pass {p + 1}", float(np.mean(mine[p])), float(np.mean(ref[p])))
                    for p in sorted({0, 1, 2, passes // 2, passes - 1}) if p < passes]
            self.fail("training run", Failure("training run", f"{label}, train_step on each example in turn",
                                              ("your loss", "chainrule's"), rows))
        if lines:
            self.add("training run", FAIL if failed else PASS, "; ".join(lines))
        elif failed:
            self.add("training run", FAIL, "train_step raised during training")

    # --- epochs ---

    def check_epochs(self):
        replay_lines, replay_failed, orders_seen = [], False, []
        for k, run in enumerate(self.spec["epoch_runs"]):
            record = self.records.get(("epochs", k))
            if record is None:
                continue
            label = f"{self.arch_label(run['arch'])}, {len(run['X'])} examples, batch_size {run['batch_size']}"
            problem = self.problem(record)
            if problem:
                replay_failed = True
                replay_lines.append(f"{self.arch(run['arch'])['sizes']}: raised")
                self.fail("train_epoch", Failure("train_epoch", label, message=problem))
                continue
            n = len(run["X"])
            orders = record.get("orders", [])
            valid = all(sorted(order) == list(range(n)) for order in orders)
            orders_seen.append((k, orders, valid))
            before_w = as_layers(decode(record["weights_before"]))
            before_b = [np.ravel(b) for b in as_layers(decode(record["biases_before"]))]
            net = self.reference(run["arch"], before_w, before_b)
            if net is None:
                continue
            if not valid:
                replay_lines.append(f"{self.arch(run['arch'])['sizes']}: not replayed (forward() saw "
                                    f"{[len(o) for o in orders]} examples per epoch, not {n})")
                continue
            X, Y = net.prepare_data(np.array(run["X"]), np.array(run["Y"]))
            lr, size = run["learning_rate"], run["batch_size"]
            ok, first_bad = True, None
            for epoch, order in enumerate(orders):
                total = 0.0
                for start in range(0, n, size):
                    idx = np.array(order[start:start + size])
                    loss, dW, db = net.loss_and_gradients(X[idx], Y[idx])
                    for W, b, gW, gb in zip(net.weights, net.biases, dW, db):
                        W -= lr * gW
                        b -= lr * gb
                    total += loss * len(idx)
                after_w = as_layers(decode(record["weights_after"][epoch]))
                after_b = [np.ravel(b) for b in as_layers(decode(record["biases_after"][epoch]))]
                returned = decode(record["returned"][epoch])
                same = close(after_w + after_b, net.weights + net.biases, 1e-6, 1e-9)
                loss_same = returned is None or np.size(returned) != 1 or \
                    np.isclose(float(np.ravel(returned)[0]), total / n, rtol=1e-6, atol=1e-12)
                if not (same and loss_same) and first_bad is None:
                    first_bad = epoch
                    rows = param_rows([(after_w, after_b), (net.weights, net.biases)]) \
                        if same_shapes(after_w, net.weights) else []
                    mine_loss = float(np.ravel(returned)[0]) if returned is not None and np.size(returned) == 1 else None
                    rows = [("returned loss", mine_loss, total / n)] + rows
                    self.fail("train_epoch", Failure(
                        "train_epoch", f"{label}, epoch {epoch + 1}, replayed by chainrule in the order your "
                                       f"train_epoch visited the examples", ("yours", "chainrule"), rows))
                ok = ok and same and loss_same
            sizes = self.arch(run["arch"])["sizes"]
            if ok:
                replay_lines.append(f"{sizes}: {len(orders)} epochs match chainrule replayed in your order")
            else:
                replay_failed = True
                replay_lines.append(f"{sizes}: differs from epoch {first_bad + 1}{self.inherits(run['arch'])}")
        if replay_lines:
            self.add("train_epoch", FAIL if replay_failed else PASS, "; ".join(replay_lines))
        self.check_shuffling(orders_seen)

    def check_shuffling(self, orders_seen):
        if not orders_seen:
            return
        k, orders, valid = orders_seen[0]
        if not valid or len(orders) < 2:
            self.add("shuffling", SKIP, "could not tell which example forward() saw when")
            return
        run = self.spec["epoch_runs"][k]
        arch = self.arch(run["arch"])
        guide_rng = np.random.RandomState(arch["seed"])
        guide_initial_weights(arch["sizes"], guide_rng)
        guide_orders = [guide_rng.permutation(len(run["X"])).tolist() for _ in orders]
        head = ", ".join(map(str, orders[0][:8]))
        if all(order == orders[0] for order in orders):
            what = "in order" if orders[0] == sorted(orders[0]) else "in the same shuffled order"
            self.add("shuffling", FAIL, f"all {len(orders)} epochs visit the {len(orders[0])} examples {what}: "
                                        f"{head}, ...")
            self.fail("shuffling", Failure("shuffling", f"{len(orders)} epochs of train_epoch on "
                                                        f"{self.arch_label(run['arch'])}",
                                           message="\n".join(f"epoch {e + 1}: {', '.join(map(str, o))}"
                                                             for e, o in enumerate(orders))))
            self.diagnose("no_shuffle", f"train_epoch visited the examples {what} in every one of "
                                        f"{len(orders)} epochs ({head}, ...)")
        elif orders == guide_orders:
            self.add("shuffling", PASS, f"a new order every epoch, exactly the guide's "
                                        f"(np.random.permutation after np.random.seed({arch['seed']}))")
        else:
            self.add("shuffling", PASS, f"a new order every epoch ({len(orders)} epochs)")


class NoNetworkClass(Exception):
    """Raised inside the analysis when the learner's file has no class to check."""

    def __init__(self, classes, candidates):
        self.classes, self.candidates = classes, candidates
        super().__init__(classes, candidates)


def analyse(spec, outcome, display_path):
    return Analysis(spec, outcome, display_path).run()
