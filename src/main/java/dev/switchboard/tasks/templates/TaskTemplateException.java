package dev.switchboard.tasks.templates;

import java.util.List;
import java.util.stream.Collectors;

/** The task templates could not be loaded; carries every problem found, not just the first. */
public final class TaskTemplateException extends RuntimeException {

    private final List<TemplateProblem> problems;

    public TaskTemplateException(List<TemplateProblem> problems) {
        super(problems.stream().map(TemplateProblem::toString).collect(Collectors.joining("; ")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<TemplateProblem> problems() {
        return problems;
    }
}
