// Parlo's GraphiQL: the page's only own script (the Content-Security-Policy allows no inline code).
// Sign in with a token from `parlo token --phone …` in the Headers tab:
//   {"Authorization": "Bearer <token>"}
(function () {
  "use strict";
  var endpoint = document.body.dataset.endpoint || "/graphql";
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: true,
      defaultQuery: "# Parlo · GraphQL\n#\n# Pon tu token en «Headers»: {\"Authorization\": \"Bearer <token>\"}\n" +
        "# (parlo token --phone \"+52 55 1234 5001\")\n\nquery {\n  me {\n    __typename\n  }\n}\n",
    })
  );
})();
