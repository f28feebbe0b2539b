/*
 * EspoCRM's stream panel on a Dialog record: the chat messages as stream posts, read-only (a post
 * written here would bypass the chat and is refused by the server; the chat page writes them).
 */
define('ebla-chat:views/dialog/stream-panel', ['views/stream/panel'], (StreamPanelView) => {
    return class extends StreamPanelView {
        postDisabled = true
    };
});
