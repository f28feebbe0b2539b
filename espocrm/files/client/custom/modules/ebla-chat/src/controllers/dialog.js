/*
 * #Dialog and #Dialog/view/<id> open the chat page; the record views of Dialog stay reachable
 * for administrators through #Dialog/list.
 */
define('ebla-chat:controllers/dialog', ['controllers/record'], function (Dep) {

    return class extends Dep {

        defaultAction = 'index'

        actionIndex(options) {
            this.main('ebla-chat:views/chat/page', {dialogId: (options || {}).id || null});
        }

        actionView(options) {
            this.main('ebla-chat:views/chat/page', {dialogId: (options || {}).id || null});
        }

        actionChat(options) {
            this.actionView(options);
        }
    };
});
