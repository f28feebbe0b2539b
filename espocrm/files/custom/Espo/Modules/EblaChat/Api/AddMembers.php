<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** POST EblaChat/dialogs/:id/members {userIds}: the dialog row. */
class AddMembers extends Base
{
    protected function handle(Request $request): mixed
    {
        $body = Input::body($request);
        $userIds = Input::stringList($body, 'userIds', true);
        $pdo = $this->engine->pdo();
        $actorId = $this->engine->actorId();

        // The levels EspoCRM computed hold for the actor for the rest of the request: the
        // partner check of the new members then follows the roles as EspoCRM evaluates them.
        ebla_chat_can_chat($pdo, $actorId, $actorId, ['acl' => $this->engine->aclOption()]);

        return ebla_chat_dialog_members($pdo, $actorId, Input::routeId($request), $userIds, []);
    }
}
