package dev.pgcdc;
class Placeholder {}
