"""The words of the findings that are not mistakes of the catalogue: broken promises of the guide's API, the
learner's own exceptions, limits that were hit, and what was measured where no model reproduces the numbers.
Kept apart from the logic: ``diagnose.py`` fills in the evidence, these say what it means."""

API = {
    "no_param_lists": (
        "your Network does not keep the guide's lists of weights and biases",
        "the guide's Network keeps one array per layer in self.weights (W of shape (n_out, n_in)) and "
        "self.biases (b of shape (n_out,)); code written for the guide (its train_epoch, gradient_check) reads "
        "them there, and chainrule check looks for them there or for lists of arrays of those shapes",
        "self.weights = []; self.biases = [] in __init__, one array appended per layer",
        "Section 2, Implementing backward() (Network.__init__)"),
    "backward_returns": (
        "backward() does not return (weight_grads, bias_grads)",
        "the guide's backward(target) returns two lists, weight_grads and bias_grads, one array per layer: "
        "train_step and train_epoch unpack them (wg, bg = self.backward(target))",
        "return weight_grads, bias_grads", "Section 2, Implementing backward() (Returns: weight_grads, bias_grads)"),
    "params_replaced": (
        "self.weights or self.biases stopped being lists of arrays",
        "the guide's Network keeps its parameters in the same two lists from __init__ on: train_step updates the "
        "arrays in them (or puts new arrays in their place), and never replaces a list by something else",
        "self.weights[i] -= learning_rate * w_grads[i]", "Section 3, Putting It All Together (train_step)"),
    "step_returns_none": (
        "train_step returns None instead of the loss",
        "the guide's train_step returns the loss of the step, and its loops add it up "
        "(total_loss += net.train_step(xi, yi, lr)): with None they raise TypeError",
        "return loss", "Section 3, Putting It All Together (train_step: 'return loss')"),
}

RAISED = ("{function}() raised {type}",
          "your code raised this exception on chainrule's probe (the numbers and the line are yours); "
          "the checks that need its result could not run",
          "read the message and the line; run the probe yourself: {call}")

LIMITS = {
    "time": ("your code was stopped at the time limit",
             "the whole check is allowed {seconds:g} s (--timeout), each call into your code {probe:g} s "
             "(--probe-timeout)", "look for a loop whose condition never changes, or a step much too slow"),
    "probe_time": ("a call into your code did not finish within the time limit",
                   "each call into your code is allowed {probe:g} s (--probe-timeout)",
                   "look for a loop whose condition never changes (while True, a counter never incremented)"),
    "memory": ("your code ran out of memory",
               "your code is allowed {memory} MB of address space (--memory-limit)",
               "look for an array much larger than the network needs (a shape from the data, or a list that grows)"),
    "cpu": ("your code used up its CPU time", "the check gives it {cpu:g} s of CPU", ""),
    "ended": ("the process running your code ended during a probe",
              "it ended ({exit}) while {running}: os._exit, sys.exit in a thread, a crash in C code, or the kernel",
              "run the probe yourself to see what ends it"),
    "output": ("your code wrote more than the check keeps",
               "of what your code writes to {stream}, the first {kept} are kept (it wrote {wrote})", ""),
}

UNEXPLAINED = {
    "backward": ("backward()'s gradients differ from chainrule's, and no mistake in the catalogue reproduces them",
                 "chainrule ran every model of its catalogue ({models} models) and every pair of them on the same "
                 "examples; none gives your numbers. What was measured narrows it down",
                 "compare your backward() with the guide's five steps, layer by layer, from the first wrong layer "
                 "at the output end",
                 "Section 2, The Pattern (the five steps at every layer); Gradient Checking"),
    "forward": ("forward()'s output differs from chainrule's on the same weights",
                "z = W @ a + b, then a = sigmoid(z), layer after layer; the output is the last a",
                "print z and a of each layer and compare them with the guide's hand-trace",
                "Section 2, Full Hand-Trace, Step 1: Forward Pass"),
    "train_step": ("one step's weights differ from chainrule's, and no mistake in the catalogue reproduces them",
                   "after backward(), one step moves each W by -learning_rate x its gradient",
                   "compare the weights before and after one train_step with W - learning_rate * dW",
                   "Section 2, Full Hand-Trace, Step 5: Update the Weights"),
    "train_epoch": ("train_epoch's weights differ from chainrule's replay, and no mistake in the catalogue "
                    "reproduces them",
                    "an epoch visits every example once, in batches of batch_size, each batch one step with the "
                    "averaged gradient",
                    "compare one epoch on a small data set by hand with the guide's train_epoch",
                    "Section 3, Mini-Batches; Practice Project, Example Solution"),
    "batches": ("forward() or backward() of a batch differs from chainrule's",
                "with one example per row, forward() gives one output row per example and backward() the gradients "
                "of the batch's mean loss: the per-example gradients averaged (dW = delta.T @ A_prev / batch)",
                "compare a batch of two examples with the two examples one at a time",
                "Section 3, Mini-Batches"),
    "mse_loss": ("mse_loss differs from the guide's mean((p - t)**2)",
                 "the guide's mean squared error averages the squared differences over every number",
                 "return np.mean((predictions - targets) ** 2)", "Section 1, Mean Squared Error (MSE)"),
}

CANCEL = ("together these two cancel in training ({checks} match chainrule's), but each alone is wrong: fix both at "
          "once. Fixing only one of them would make training go the wrong way")
CONSISTENT = ("these two are consistent with each other (your gradients are those of your own loss), but neither is "
              "the guide's")

# What the epochs themselves showed, where no model of the catalogue reproduces the numbers: the check saw which
# rows of X went to forward() and which rows of y to backward(), so these need no model to be certain.
OBSERVED = {
    "pairs_mismatched": (
        "train_epoch pairs inputs with the wrong targets",
        "each example's input and its target must stay together: forward() of row i of X, then backward() of row i "
        "of y; yours trains some inputs towards other examples' targets (X and y shuffled apart, by two "
        "permutations or one of them not at all)",
        "indices = np.random.permutation(n); then X[indices] and y[indices], the same indices for both",
        "Section 3, Mini-Batches; Practice Project, Example Solution"),
    "visits_wrong": (
        "train_epoch does not visit every example exactly once",
        "an epoch is one pass over the data: every example once, in batches of batch_size (the last one smaller "
        "when n is not a multiple of batch_size); yours skips some examples or repeats others",
        "for start in range(0, n, batch_size): batch_idx = indices[start:start + batch_size]",
        "Section 3, Mini-Batches"),
}
