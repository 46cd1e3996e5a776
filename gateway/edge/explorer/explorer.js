// Starts GraphiQL against the endpoint this page was served from. Everything it loads comes from the
// gateway itself (see page.html); requests without a token header use the gateway's default token.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# Run this with the play button or Ctrl-Enter.",
    "# The docs (book icon, top left) describe every",
    "# type and field. With no X-Api-Token or",
    "# Authorization header (Headers tab below), the",
    "# gateway's default token applies: on the",
    "# embedded sandbox, its demo token.",
    "",
    "query UpcomingActivities {",
    "  activities(first: 5, userId: 0) {",
    "    nodes {",
    "      subject",
    "      dueDate",
    "      dueTime",
    "      done",
    "      activityType { name }",
    "    }",
    "    pageInfo { hasNextPage endCursor }",
    "  }",
    "}",
    ""
  ].join("\n");

  var endpoint = window.location.origin + window.location.pathname;
  var fetchGraphQL = GraphiQL.createFetcher({ url: endpoint });

  // GraphiQL learns the operation name from the editor 100 ms after the last keystroke; a query run
  // sooner would carry the previous document's name, which the server rightly refuses. A name the
  // document does not declare is dropped, so the document's own (single) operation runs.
  function declares(query, name) {
    return new RegExp("\\b(query|mutation|subscription)\\s+" + name + "\\b").test(query);
  }

  function fetcher(params, options) {
    if (params && params.operationName && !declares(params.query || "", params.operationName)) {
      params = Object.assign({}, params, { operationName: null });
    }
    return fetchGraphQL(params, options);
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      // Tokens typed into the headers editor stay in this tab, not in the browser's storage.
      shouldPersistHeaders: false
    })
  );
})();
