/*
 * Client-side ACL of Dialog in the portal, matching the server's membership checker: the server
 * returns only the dialogs the user is a member of, so a dialog the client holds is the user's
 * own; and a dialog's stream is its messages, readable by whoever may read dialogs.
 */
define('ebla-chat:acl-portal/dialog', ['acl-portal'], (Acl) => {
    return class extends Acl {
        checkScope(data, action, precise, entityAccessData) {
            return super.checkScope(data, action === 'stream' ? 'read' : action, precise, entityAccessData);
        }

        checkIsOwner(model) {
            return true;
        }
    };
});
