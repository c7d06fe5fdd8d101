// Starts Swagger UI on /api/v1/docs with the API's OpenAPI document. validatorUrl: null,
// or Swagger UI would send the document to validator.swagger.io (no requests elsewhere);
// no deep links, which Swagger UI puts inside its buttons (a link in a button is lost to
// keyboard and screen-reader users).
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: container.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
