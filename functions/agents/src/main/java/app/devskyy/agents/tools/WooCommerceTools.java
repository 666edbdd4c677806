package app.devskyy.agents.tools;

import app.devskyy.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The WooCommerce tools, over the shop's REST API v3 ({@code /wp-json/wc/v3}) with the workspace's
 * consumer key and secret: products and orders read (orders without the customer's name, address,
 * e-mail or phone), and a coupon created. A coupon code is unique in a shop, so a second creation
 * of the same code (a retried step) finds the first coupon instead of failing.
 */
final class WooCommerceTools {

    private final IntegrationStore integrations;
    private final RestApi api;

    WooCommerceTools(IntegrationStore integrations, RestApi api) {
        this.integrations = integrations;
        this.api = api;
    }

    private IntegrationStore.Connection shop(Tool.Call call) throws ToolFailure {
        return integrations.required(call.caller().workspaceId(), "woocommerce");
    }

    private JsonNode get(Tool.Call call, String path, Map<String, String> query) throws ToolFailure {
        IntegrationStore.Connection shop = shop(call);
        return api.get(
                RestApi.url(shop.baseUrl(), "wp-json/wc/v3/" + path, query),
                shop.credentials().path("consumerKey").asString(),
                shop.credentials().path("consumerSecret").asString());
    }

    private static Map<String, String> paging(JsonNode arguments) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("per_page", Integer.toString(arguments.path("perPage").asInt(10)));
        query.put("page", Integer.toString(arguments.path("page").asInt(1)));
        return query;
    }

    Tool products() {
        return call -> {
            Map<String, String> query = paging(call.arguments());
            query.put("search", text(call.arguments(), "search"));
            query.put("sku", text(call.arguments(), "sku"));
            ArrayNode products = Json.MAPPER.createArrayNode();
            for (JsonNode p : get(call, "products", query)) {
                ObjectNode product = products.addObject()
                        .put("id", p.path("id").asLong())
                        .put("name", p.path("name").asString())
                        .put("sku", p.path("sku").asString())
                        .put("price", p.path("price").asString())
                        .put("regularPrice", p.path("regular_price").asString())
                        .put("salePrice", p.path("sale_price").asString())
                        .put("stockStatus", p.path("stock_status").asString());
                if (p.path("stock_quantity").isNumber()) {
                    product.put("stockQuantity", p.path("stock_quantity").asLong());
                }
                ArrayNode categories = product.putArray("categories");
                p.path("categories").forEach(c -> categories.add(c.path("name").asString()));
                product.put("link", p.path("permalink").asString());
            }
            return Json.MAPPER.createObjectNode().set("products", products);
        };
    }

    Tool orders() {
        return call -> {
            Map<String, String> query = paging(call.arguments());
            query.put("status", text(call.arguments(), "status"));
            ArrayNode orders = Json.MAPPER.createArrayNode();
            for (JsonNode o : get(call, "orders", query)) {
                ObjectNode order = orders.addObject()
                        .put("id", o.path("id").asLong())
                        .put("number", o.path("number").asString())
                        .put("status", o.path("status").asString())
                        .put("currency", o.path("currency").asString())
                        .put("total", o.path("total").asString())
                        .put(
                                "createdAt",
                                o.path("date_created_gmt")
                                        .asString(o.path("date_created").asString()));
                ArrayNode items = order.putArray("items");
                o.path("line_items")
                        .forEach(i -> items.addObject()
                                .put("name", i.path("name").asString())
                                .put("sku", i.path("sku").asString())
                                .put("quantity", i.path("quantity").asLong())
                                .put("total", i.path("total").asString()));
            }
            return Json.MAPPER.createObjectNode().set("orders", orders);
        };
    }

    Tool createCoupon() {
        return call -> {
            JsonNode a = call.arguments();
            ObjectNode body = Json.MAPPER
                    .createObjectNode()
                    .put("code", a.path("code").asString())
                    .put("discount_type", a.path("discountType").asString())
                    // WooCommerce takes amounts as strings.
                    .put("amount", a.path("amount").decimalValue().toPlainString());
            if (a.has("description")) {
                body.put("description", a.path("description").asString());
            }
            if (a.has("expiresOn")) {
                body.put("date_expires", a.path("expiresOn").asString());
            }
            if (a.has("usageLimit")) {
                body.put("usage_limit", a.path("usageLimit").asLong());
            }
            if (a.has("individualUse")) {
                body.put("individual_use", a.path("individualUse").asBoolean());
            }
            IntegrationStore.Connection shop = shop(call);
            String key = shop.credentials().path("consumerKey").asString();
            String secret = shop.credentials().path("consumerSecret").asString();
            try {
                return coupon(
                        api.post(RestApi.url(shop.baseUrl(), "wp-json/wc/v3/coupons", Map.of()), body, key, secret),
                        false);
            } catch (ToolFailure refused) {
                if (!refused.code().equals("woocommerce_rest_coupon_code_already_exists")) {
                    throw refused;
                }
                JsonNode found = api.get(
                        RestApi.url(
                                shop.baseUrl(),
                                "wp-json/wc/v3/coupons",
                                Map.of("code", a.path("code").asString())),
                        key,
                        secret);
                if (found.isEmpty()) {
                    throw refused;
                }
                return coupon(found.get(0), true);
            }
        };
    }

    private static JsonNode coupon(JsonNode c, boolean existing) {
        return Json.MAPPER
                .createObjectNode()
                .put("id", c.path("id").asLong())
                .put("code", c.path("code").asString())
                .put("discountType", c.path("discount_type").asString())
                .put("amount", c.path("amount").asString())
                .put("expiresAt", c.path("date_expires").asString(null))
                .put("alreadyExisted", existing);
    }

    private static String text(JsonNode arguments, String name) {
        return arguments.has(name) ? arguments.get(name).asString() : null;
    }
}
