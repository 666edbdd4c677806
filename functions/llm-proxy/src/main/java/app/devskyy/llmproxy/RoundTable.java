package app.devskyy.llmproxy;

import app.devskyy.core.Json;
import app.devskyy.core.http.ApiProblem;
import app.devskyy.llm.ChatMessage;
import app.devskyy.llm.ChatRequest;
import app.devskyy.llm.OpenAiWire;
import app.devskyy.llm.Routing.Route;
import app.devskyy.llm.metering.Caller;
import app.devskyy.llm.metering.MeteredChat;
import app.devskyy.llm.metering.Money;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Asks several models the same thing at once (one virtual thread each), has a judge model score
 * the anonymised answers under a stated rubric, and returns the winner with every candidate's
 * text, latency, tokens, cost and score. Candidates that fail are reported, not fatal: the best of
 * the rest wins. When the judge itself fails, the first answer in the caller's order wins and
 * {@code judged} says so.
 */
final class RoundTable {

    static final String DEFAULT_RUBRIC = "Correctness first, then completeness, then clarity and concision; "
            + "an answer that ignores an instruction of the request scores low.";

    private static final JsonNode VERDICT_SCHEMA = Json.tree("""
            {"type": "object", "required": ["scores"], "additionalProperties": false,
             "properties": {"scores": {"type": "array", "items": {"type": "object", "required": ["candidate", "score", "reason"],
               "additionalProperties": false,
               "properties": {"candidate": {"type": "integer"}, "score": {"type": "number"}, "reason": {"type": "string"}}}}}}
            """.getBytes(StandardCharsets.UTF_8));

    private record Candidate(String model, MeteredChat.Completed completed, String error) {}

    private final ProxyService proxy;

    RoundTable(ProxyService proxy) {
        this.proxy = proxy;
    }

    ObjectNode run(
            Caller caller,
            String requestId,
            ChatRequest request,
            List<String> models,
            String judgeModel,
            String rubric) {
        List<Route> routes =
                models.stream().map(m -> proxy.route(m, "chat", request)).toList();
        Route judgeRoute = proxy.route(judgeModel, "chat", request);
        // One request, and its tokens once for each model it goes to.
        proxy.admit(caller, ProxyService.tokens(request) * routes.size());
        List<Candidate> candidates = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<MeteredChat.Completed>> answers = new ArrayList<>();
            for (int i = 0; i < routes.size(); i++) {
                Route route = routes.get(i);
                String callId = requestId + "-" + (i + 1);
                answers.add(threads.submit(() -> proxy.complete(caller, callId, "round-table", route, request)));
            }
            for (int i = 0; i < answers.size(); i++) {
                try {
                    candidates.add(new Candidate(models.get(i), answers.get(i).get(), null));
                } catch (ExecutionException failed) {
                    if (!(failed.getCause() instanceof ApiProblem problem)) {
                        throw new IllegalStateException(failed.getCause());
                    }
                    if (problem.status() == 429 && problem.type().endsWith("budget-exhausted")) {
                        throw problem;
                    }
                    candidates.add(new Candidate(models.get(i), null, problem.status() + ": " + problem.detail()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw ApiProblem.serviceUnavailable("The round table was interrupted.", 1);
                }
            }
        }
        List<Integer> answered = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).completed() != null) {
                answered.add(i);
            }
        }
        if (answered.isEmpty()) {
            throw ApiProblem.of(
                    502,
                    "provider-error",
                    "Bad Gateway",
                    "No candidate answered: "
                            + String.join(
                                    "; ",
                                    candidates.stream().map(Candidate::error).toList()));
        }
        double[] scores = new double[candidates.size()];
        String[] reasons = new String[candidates.size()];
        Arrays.fill(scores, Double.NaN);
        ObjectNode judge = Json.MAPPER.createObjectNode().put("model", judgeModel);
        boolean judged =
                judge(caller, requestId, request, judgeRoute, rubric, candidates, answered, scores, reasons, judge);
        int winner = answered.getFirst();
        if (judged) {
            for (int i : answered) {
                if (scores[i] > scores[winner]
                        || (scores[i] == scores[winner]
                                && candidates.get(i).completed().latencyMillis()
                                        < candidates.get(winner).completed().latencyMillis())) {
                    winner = i;
                }
            }
        }
        judge.put("judged", judged);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "round_table");
        out.put("rubric", rubric);
        ArrayNode list = out.putArray("candidates");
        for (int i = 0; i < candidates.size(); i++) {
            list.add(describe(candidates.get(i), i + 1, scores[i], reasons[i]));
        }
        out.set("winner", describe(candidates.get(winner), winner + 1, scores[winner], reasons[winner]));
        out.set("judge", judge);
        return out;
    }

    private boolean judge(
            Caller caller,
            String requestId,
            ChatRequest request,
            Route judgeRoute,
            String rubric,
            List<Candidate> candidates,
            List<Integer> answered,
            double[] scores,
            String[] reasons,
            ObjectNode judge) {
        if (answered.size() == 1) {
            return false;
        }
        StringBuilder prompt = new StringBuilder("Rubric: ")
                .append(rubric)
                .append("\n\nThe request:\n")
                .append(
                        request.conversation().isEmpty()
                                ? ""
                                : request.conversation().getLast().text());
        for (int i : answered) {
            prompt.append("\n\n--- Candidate ")
                    .append(i + 1)
                    .append(" ---\n")
                    .append(candidates.get(i).completed().result().text());
        }
        ChatRequest judging = new ChatRequest(
                List.of(
                        ChatMessage.of(
                                "system",
                                "You judge answers to a request. Score every candidate from 0 to 10 under the rubric, "
                                        + "and give one sentence of reason. Answer only with the JSON the schema describes."),
                        ChatMessage.of("user", prompt.toString())),
                0.0,
                null,
                1024,
                null,
                null,
                null,
                new ChatRequest.ResponseFormat("json_schema", "verdict", VERDICT_SCHEMA, true),
                null,
                null,
                null);
        try {
            MeteredChat.Completed verdict =
                    proxy.complete(caller, requestId + "-judge", "round-table-judge", judgeRoute, judging);
            judge.put("provider", verdict.target().provider()).put("costUsd", Money.usd(verdict.costMicros()));
            JsonNode parsed = Json.tree(verdict.result().text().getBytes(StandardCharsets.UTF_8));
            boolean any = false;
            for (JsonNode score : parsed.path("scores")) {
                int index = score.path("candidate").asInt() - 1;
                if (answered.contains(index) && score.path("score").isNumber()) {
                    scores[index] = Math.max(0, Math.min(10, score.path("score").asDouble()));
                    reasons[index] = score.path("reason").asString("");
                    any = true;
                }
            }
            return any;
        } catch (ApiProblem | JacksonException judgeFailed) {
            judge.put(
                    "error",
                    judgeFailed instanceof ApiProblem p ? p.status() + ": " + p.detail() : "the verdict was not JSON");
            return false;
        }
    }

    private static ObjectNode describe(Candidate candidate, int number, double score, String reason) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("candidate", number).put("model", candidate.model());
        if (candidate.completed() == null) {
            return out.put("error", candidate.error());
        }
        var completed = candidate.completed();
        out.put("provider", completed.target().provider())
                .put("providerModel", completed.target().model());
        out.put("text", completed.result().text());
        out.put("latencyMs", completed.latencyMillis());
        out.set("usage", OpenAiWire.writeUsage(completed.result().usage()));
        out.put("costUsd", Money.usd(completed.costMicros()));
        if (!Double.isNaN(score)) {
            out.put("score", score);
            out.put("reason", reason);
        } else {
            out.putNull("score");
        }
        return out;
    }
}
