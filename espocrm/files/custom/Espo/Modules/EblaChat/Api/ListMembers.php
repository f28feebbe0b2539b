<?php

namespace Espo\Modules\EblaChat\Api;

use Espo\Core\Api\Request;
use Espo\Modules\EblaChat\Classes\Input;

/** GET EblaChat/dialogs/:id/members: {total, list: [{id, name, userName, type, isActive}]} */
class ListMembers extends Base
{
    protected function handle(Request $request): mixed
    {
        $dialog = ebla_chat_dialog_get($this->engine->pdo(), $this->engine->actorId(), Input::routeId($request));
        $ids = $dialog['memberIds'];
        $list = [];

        if ($ids !== []) {
            $users = $this->engine->entityManager()
                ->getRDBRepository('User')
                ->select(['id', 'name', 'userName', 'type', 'isActive'])
                ->where(['id' => $ids])
                ->order('userName')
                ->find();

            foreach ($users as $user) {
                $list[] = [
                    'id' => $user->getId(),
                    'name' => $user->get('name'),
                    'userName' => $user->get('userName'),
                    'type' => $user->get('type'),
                    'isActive' => (bool) $user->get('isActive'),
                ];
            }
        }

        return ['total' => count($list), 'list' => $list];
    }
}
