<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Core\Exceptions\BadRequest;
use Espo\Core\Exceptions\Forbidden;
use Espo\Core\Exceptions\NotFound;
use Espo\Modules\EblaChat\Classes\Input;

/**
 * POST EblaChat/dialogs {memberIds, name?, parentType?, parentId?}: the direct dialog of a pair is
 * reused, anything else makes a new group dialog.
 */
class OpenDialog extends Base
{
    protected function scopeAction(): string
    {
        return 'create';
    }

    protected function handle(Request $request): mixed
    {
        $body = Input::body($request);
        $memberIds = Input::stringList($body, 'memberIds', true);
        $options = ['acl' => $this->engine->aclOption()];

        $name = Input::optionalString($body, 'name');

        if ($name !== null) {
            $options['name'] = $name;
        }

        $parentType = Input::optionalString($body, 'parentType');
        $parentId = Input::optionalString($body, 'parentId');

        if ($parentType !== null || $parentId !== null) {
            $this->checkParent($parentType, $parentId);
            $options['parentType'] = $parentType;
            $options['parentId'] = $parentId;
        }

        return ebla_chat_dialog_open($this->engine->pdo(), $this->engine->actorId(), $memberIds, $options);
    }

    /**
     * The parent must be of a type the administrator allows (the parent field's entity list) and
     * readable by the actor.
     *
     * @throws BadRequest
     * @throws Forbidden
     * @throws NotFound
     */
    private function checkParent(?string $parentType, ?string $parentId): void
    {
        if ($parentType === null || $parentId === null) {
            throw new BadRequest("'parentType' and 'parentId' go together.");
        }

        if (!in_array($parentType, $this->engine->parentTypeList(), true)) {
            throw new BadRequest("A dialog cannot be linked to a '$parentType' (see the Dialog parent field).");
        }

        $parent = $this->engine->entityManager()->getEntityById($parentType, $parentId);

        if (!$parent) {
            throw new NotFound("No $parentType '$parentId'.");
        }

        if (!$this->engine->acl()->checkEntityRead($parent)) {
            throw new Forbidden("No read access to the $parentType.");
        }
    }
}
