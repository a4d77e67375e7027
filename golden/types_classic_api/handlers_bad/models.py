from pydantic import BaseModel


class NewPet(BaseModel):
    name: str
    age: int


class Pet(BaseModel):
    id: str
    name: str
    age: int


class Problem(BaseModel):
    message: str
