// Starts GraphiQL against the endpoint this page was served from. Everything it loads comes from the
// gateway itself (see page.html); requests without a token header use the gateway's default token.
(function () {
  "use strict";

  // What a frontend really asks: this week's calendar with linked names, an add, and the live feed.
  // Run one at a time: put the cursor in it and press the play button (or Ctrl-Enter). The docs (book
  // icon, top left) describe every type and field. With no X-Api-Token or Authorization header (Headers
  // tab below), the gateway's default token applies: on the embedded sandbox, its demo token.
  var DEFAULT_QUERY = [
    "# This week's activities, with the names of what they link to.",
    "query ThisWeek($from: Date = \"" + isoDay(0) + "\", $to: Date = \"" + isoDay(6) + "\") {",
    "  activities(first: 50, userId: 0, startDate: $from, endDate: $to) {",
    "    nodes {",
    "      id subject dueDate dueTime done",
    "      activityType { name }",
    "      owner { name }",
    "      person { name }",
    "      organization { name }",
    "      deal { title }",
    "    }",
    "    pageInfo { hasNextPage endCursor }",
    "  }",
    "}",
    "",
    "# Add one. In another tab, run LiveFeed first: this appears there at once.",
    "mutation AddCall {",
    "  addActivity(input: {subject: \"Call back about the offer\", type: \"call\", dueDate: \"" + isoDay(1) + "\"}) {",
    "    activity { id pipedriveId subject dueDate }",
    "    userErrors { field message code }",
    "  }",
    "}",
    "",
    "# Every change to the company's activities as it happens (over WebSocket).",
    "subscription LiveFeed {",
    "  activityEvents {",
    "    action pipedriveId changedFields occurredAt",
    "    activity { subject dueDate done owner { name } }",
    "  }",
    "}",
    ""
  ].join("\n");

  function isoDay(offset) {
    var day = new Date();
    day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7) + offset); // Monday of this week, + offset
    return day.toISOString().slice(0, 10);
  }

  var endpoint = window.location.origin + window.location.pathname;
  // Subscriptions go over WebSocket to the same path (graphql-transport-ws); the headers tab's entries
  // travel in connection_init's payload, where the gateway reads the token.
  var subscriptionUrl = endpoint.replace(/^http/, "ws");
  var fetchGraphQL = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: subscriptionUrl });

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
