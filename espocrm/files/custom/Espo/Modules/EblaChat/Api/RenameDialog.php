<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use Espo\Core\Exceptions\Forbidden;
use Espo\Modules\EblaChat\Classes\Input;

/**
 * PUT EblaChat/dialogs/:id {name}: renames a group dialog (members only); the dialog row. The
 * engine has no rename call: the name is not a counter, so one UPDATE of the dialog row is enough.
 */
class RenameDialog extends Base
{
    protected function handle(Request $request): mixed
    {
        $name = Input::optionalString(Input::body($request), 'name') ?? throw new BadRequest("No 'name'.");
        $name = trim($name);

        if ($name === '' || mb_strlen($name, 'UTF-8') > 255 || !mb_check_encoding($name, 'UTF-8')) {
            throw new BadRequest('The name must be 1 to 255 characters.');
        }

        $dialogId = Input::routeId($request);
        $pdo = $this->engine->pdo();
        $actorId = $this->engine->actorId();
        $dialog = ebla_chat_dialog_get($pdo, $actorId, $dialogId);

        if (!in_array($actorId, $dialog['memberIds'], true)) {
            throw new Forbidden('Only members rename a dialog.');
        }

        if ($dialog['type'] !== 'group') {
            throw new BadRequest('Only group dialogs have a name of their own.');
        }

        $statement = $pdo->prepare('UPDATE dialog SET name = ?, modified_at = ?, modified_by_id = ? WHERE id = ? AND deleted = 0');
        $statement->execute([$name, gmdate('Y-m-d H:i:s'), $actorId, $dialogId]);

        return ebla_chat_dialog_get($pdo, $actorId, $dialogId);
    }
}
