<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use Espo\Modules\EblaChat\Classes\Input;

/**
 * POST EblaChat/button {entityType, id}: the chat button of a record: the direct dialog with the
 * record's assigned user, linked to the record (created once, reused after).
 */
class Button extends Base
{
    protected function scopeAction(): string
    {
        return 'create';
    }

    protected function handle(Request $request): mixed
    {
        $body = Input::body($request);
        $entityType = Input::optionalString($body, 'entityType') ?? throw new BadRequest("No 'entityType'.");
        $id = Input::optionalString($body, 'id') ?? throw new BadRequest("No 'id'.");

        $record = $this->engine->checkParent($entityType, $id);

        $assignedUserId = $record->hasAttribute('assignedUserId') ? $record->get('assignedUserId') : null;

        if (!$assignedUserId && $record->hasAttribute('assignedUsersIds')) {
            $ids = $record->getLinkMultipleIdList('assignedUsers');
            $assignedUserId = $ids[0] ?? null;
        }

        if (!$assignedUserId) {
            throw new BadRequest("The $entityType has no assigned user.");
        }

        if ($assignedUserId === $this->engine->actorId()) {
            throw new BadRequest("The $entityType is assigned to you.");
        }

        return ebla_chat_dialog_open(
            $this->engine->pdo(),
            $this->engine->actorId(),
            [$assignedUserId],
            [
                'parentType' => $entityType,
                'parentId' => $id,
                'acl' => $this->engine->aclOption(),
            ],
        );
    }
}
