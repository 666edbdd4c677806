// Swagger UI over the bundled contract. Try-it-out calls this same server, so no CORS is involved;
// the bearer token entered under Authorize is kept across reloads (persistAuthorization).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  tryItOutEnabled: false,
});
